import ajvModule from 'ajv/dist/2020.js';
import type { Options, ValidateFunction } from 'ajv';

// ajv ships CommonJS with `exports.default`; under NodeNext the default import is the module object.
const Ajv2020 = ((ajvModule as unknown as { default?: unknown }).default ?? ajvModule) as unknown as new (opts: Options) => {
  compile(schema: object): ValidateFunction;
};

/** A JSON Schema 2020-12 validator. */
export function compileSchema(schema: object, opts: Options = {}): ValidateFunction {
  return new Ajv2020({ strict: false, ...opts }).compile(schema);
}
