/**
 * The model plugins: CIFAR convnets (ResNet, Wide-ResNet, DenseNet, DenseNet-shaped ResNet
 * students), PTB language models (LSTM, CNN-LSTM) and a tiny MLP for smoke runs.
 *
 * @module
 */
export { cnnLstm } from "./cnn_lstm.ts";
export { densenet } from "./densenet.ts";
export { densenetResnet, densenetStudentShape } from "./densenet_resnet.ts";
export { lstm } from "./lstm.ts";
export { mlp } from "./mlp.ts";
export { resnet } from "./resnet.ts";
export { wrn } from "./wrn.ts";
