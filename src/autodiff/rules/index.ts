/** Registers every VJP rule. Adding an op = one rule file + one line here + a check in test/autodiff. */
import { registerRule } from '../registry.js';
import * as act from './activations.js';
import { addGrad, divGrad, meanGrad, mulGrad, powGrad, subGrad, sumGrad, whereGrad } from './arithmetic.js';
import { averagePoolGrad, globalAveragePoolGrad } from './avgpool.js';
import { batchNormGrad } from './batchnorm.js';
import { clipGrad, preluGrad } from './clip.js';
import { concatGrad, splitGrad } from './concat-split.js';
import { convGrad } from './conv.js';
import { convTransposeGrad } from './conv-transpose.js';
import { gemmGrad } from './gemm.js';
import { geluGrad, seluGrad } from './gelu.js';
import { layerNormGrad } from './layernorm.js';
import { matmulGrad } from './matmul.js';
import { maxMinGrad } from './max-min.js';
import { globalMaxPoolGrad, maxPoolGrad } from './maxpool.js';
import { reduceMeanGrad, reduceSumGrad } from './reduce.js';
import { castGrad, dropoutGrad, expandGrad, reshapeLikeGrad, transposeGrad } from './reshape.js';
import { gatherGrad, padGrad, sliceGrad } from './slice-pad.js';
import { logSoftmaxGrad, softmaxGrad } from './softmax.js';
import { noGradient } from './util.js';

const rules = {
  Conv: convGrad,
  ConvTranspose: convTransposeGrad,
  Gemm: gemmGrad,
  MatMul: matmulGrad,
  MaxPool: maxPoolGrad,
  GlobalMaxPool: globalMaxPoolGrad,
  AveragePool: averagePoolGrad,
  GlobalAveragePool: globalAveragePoolGrad,
  BatchNormalization: batchNormGrad,
  LayerNormalization: layerNormGrad,
  Add: addGrad,
  Sub: subGrad,
  Mul: mulGrad,
  Div: divGrad,
  Sum: sumGrad,
  Mean: meanGrad,
  Pow: powGrad,
  Where: whereGrad,
  Max: maxMinGrad,
  Min: maxMinGrad,
  Relu: act.reluGrad,
  LeakyRelu: act.leakyReluGrad,
  PRelu: preluGrad,
  Clip: clipGrad,
  Sigmoid: act.sigmoidGrad,
  Tanh: act.tanhGrad,
  HardSigmoid: act.hardSigmoidGrad,
  HardSwish: act.hardSwishGrad,
  Elu: act.eluGrad,
  Erf: act.erfGrad,
  Gelu: geluGrad,
  Selu: seluGrad,
  Sqrt: act.sqrtGrad,
  Exp: act.expGrad,
  Log: act.logGrad,
  Neg: act.negGrad,
  Abs: act.absGrad,
  Reciprocal: act.reciprocalGrad,
  Softplus: act.softplusGrad,
  Identity: act.identityGrad,
  Dropout: dropoutGrad,
  Cast: castGrad,
  Softmax: softmaxGrad,
  LogSoftmax: logSoftmaxGrad,
  Flatten: reshapeLikeGrad,
  Reshape: reshapeLikeGrad,
  Squeeze: reshapeLikeGrad,
  Unsqueeze: reshapeLikeGrad,
  Transpose: transposeGrad,
  Expand: expandGrad,
  Concat: concatGrad,
  Split: splitGrad,
  Slice: sliceGrad,
  Pad: padGrad,
  Gather: gatherGrad,
  ReduceSum: reduceSumGrad,
  ReduceMean: reduceMeanGrad,
};
for (const [op, rule] of Object.entries(rules)) registerRule(op, rule);

// Values that carry no gradient: shapes, sizes, constants, comparisons, indices, and piecewise-
// constant maps (derivative 0 almost everywhere, which is also what PyTorch returns).
for (const op of [
  'Shape', 'Size', 'Constant', 'ConstantOfShape', 'Range', 'EyeLike', 'NonZero', 'ArgMax', 'ArgMin',
  'Equal', 'Greater', 'Less', 'GreaterOrEqual', 'LessOrEqual', 'Not', 'And', 'Or', 'Xor', 'IsNaN', 'IsInf',
  'Floor', 'Ceil', 'Round', 'Sign', 'RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike',
]) {
  registerRule(op, noGradient);
}
