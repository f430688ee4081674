/**
 * The model plugins: CIFAR convnets (ResNet, Wide-ResNet, DenseNet), PTB language models (LSTM,
 * CNN-LSTM) and a tiny MLP for smoke runs.
 *
 * @module
 */
export { cnnLstm } from "./cnn_lstm.ts";
export { densenet } from "./densenet.ts";
export { lstm } from "./lstm.ts";
export { mlp } from "./mlp.ts";
export { resnet } from "./resnet.ts";
export { wrn } from "./wrn.ts";
