/**
 * Reading and writing TF.js model folders (model.json + binary weight shards) on the local disk.
 *
 * Hand-written because the only file-system IO handler TF.js ships (tf.io.fileSystem, "file://")
 * lives in @tensorflow/tfjs-node, whose native library is often unavailable; the browser-oriented
 * http handler would need a server. The format is the one documented for tfjs model.json:
 * `modelTopology`, `weightsManifest: [{paths, weights}]`, `format`, shard paths relative to model.json.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

export type TfjsModelKind = 'layers-model' | 'graph-model';

export interface TfjsModelFiles {
  modelJsonPath: string;
  json: tf.io.ModelJSON;
  kind: TfjsModelKind;
  /** Shard files in manifest order (absolute paths). */
  shardPaths: string[];
}

/** Read and check model.json; list its shards. `p` may be the model.json file or its folder. */
export async function readTfjsModelJson(p: string): Promise<TfjsModelFiles> {
  const modelJsonPath = (await isDirectory(p)) ? path.join(p, 'model.json') : p;
  let text: string;
  try {
    text = await fs.readFile(modelJsonPath, 'utf8');
  } catch (e) {
    throw new Error(`cannot read TF.js model file ${modelJsonPath}: ${(e as Error).message}; point model.path at a model.json (or its folder)`);
  }
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(text) as tf.io.ModelJSON;
  } catch (e) {
    throw new Error(`${modelJsonPath} is not valid JSON (${(e as Error).message}); is it really a TF.js model.json?`);
  }
  if (json === null || typeof json !== 'object' || json.modelTopology == null) {
    throw new Error(`${modelJsonPath} has no "modelTopology"; it is not a TF.js model.json`);
  }
  if (!Array.isArray(json.weightsManifest)) {
    throw new Error(`${modelJsonPath} has no "weightsManifest" list; re-export the model with tfjs-converter or model.save()`);
  }
  const dir = path.dirname(modelJsonPath);
  const shardPaths = json.weightsManifest.flatMap((g) => g.paths.map((s) => path.resolve(dir, s)));
  return { modelJsonPath, json, kind: detectKind(json, modelJsonPath), shardPaths };
}

/**
 * 'layers-model' / 'graph-model' from the `format` field; older files without it are told apart by
 * their topology: a Keras model config has `class_name`/`model_config`, a TF GraphDef has `node`.
 */
export function detectKind(json: tf.io.ModelJSON, where = 'model.json'): TfjsModelKind {
  if (json.format === 'layers-model' || json.format === 'graph-model') return json.format;
  const topo = json.modelTopology as Record<string, unknown>;
  if ('node' in topo || 'versions' in topo) return 'graph-model';
  if ('class_name' in topo || 'model_config' in topo || 'config' in topo) return 'layers-model';
  throw new Error(`${where}: cannot tell whether this is a layers-model or a graph-model (format "${json.format ?? ''}"); set model.format to tfjs-layers or tfjs-graph`);
}

/** An IOHandler whose load() reads model.json and its shards from disk (no network, no tfjs-node). */
export function fileLoadHandler(files: TfjsModelFiles): tf.io.IOHandler {
  return {
    load: () =>
      tf.io.getModelArtifactsForJSON(files.json, async (manifest) => {
        const dir = path.dirname(files.modelJsonPath);
        const specs = manifest.flatMap((g) => g.weights);
        const buffers: ArrayBuffer[] = [];
        for (const g of manifest) {
          for (const rel of g.paths) buffers.push(await readShard(path.resolve(dir, rel), files.modelJsonPath));
        }
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      }),
  };
}

async function readShard(p: string, modelJsonPath: string): Promise<ArrayBuffer> {
  try {
    const b = await fs.readFile(p);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  } catch (e) {
    throw new Error(`weight shard ${p} named in ${modelJsonPath} cannot be read (${(e as Error).message}); keep the .bin files beside model.json`);
  }
}

/** sha256 over the bytes of model.json followed by every shard in manifest order. */
export async function hashTfjsModel(files: TfjsModelFiles): Promise<string> {
  const h = createHash('sha256');
  h.update(await fs.readFile(files.modelJsonPath));
  for (const p of files.shardPaths) h.update(await fs.readFile(p));
  return h.digest('hex');
}

/**
 * An IOHandler whose save() writes `dir/model.json` and one shard `dir/weights.bin`.
 * JSON keys are written in a fixed order so the same model always gives the same bytes.
 */
export function fileSaveHandler(dir: string): tf.io.IOHandler {
  return {
    save: async (artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> => {
      if (artifacts.weightData === undefined || artifacts.weightSpecs === undefined) {
        throw new Error('fileSaveHandler: the model produced no weights to save');
      }
      const weights = tf.io.concatenateArrayBuffers(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology ?? {},
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      if (artifacts.signature !== undefined) modelJson.signature = artifacts.signature;
      if (artifacts.userDefinedMetadata !== undefined) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      await fs.mkdir(dir, { recursive: true });
      const jsonText = JSON.stringify(modelJson, null, 1) + '\n';
      await fs.writeFile(path.join(dir, 'model.json'), jsonText);
      await fs.writeFile(path.join(dir, 'weights.bin'), new Uint8Array(weights));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: jsonText.length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs).length,
          weightDataBytes: weights.byteLength,
        },
      };
    },
  };
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}
