/**
 * Plugin descriptors: the plain, serialisable data a plugin factory returns.
 *
 * A descriptor names the module and export that made it plus its params, so a worker process
 * (or a cluster job) can rebuild the plugin by importing that module. Descriptors are what gets
 * hashed into step keys; closures never cross process boundaries.
 *
 * @module
 */

/** Any JSON value; params must be plain data. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** What kind of data a dataset yields and a model consumes. */
export type Domain = "image" | "text";

/** The kinds of plugin the interpreter resolves. */
export type PluginKind = "model" | "loss" | "dataset";

/** Plain data describing one configured plugin. */
export interface PluginDescriptor<K extends PluginKind = PluginKind> {
  /** Which registry the plugin belongs to. */
  kind: K;
  /** Short name users see in messages ("resnet", "kd"). */
  name: string;
  /** Module that defines it: a path relative to the project root, or an absolute URL. */
  module: string;
  /** Name of the export (the factory) inside `module`. */
  export: string;
  /** Fully resolved params (defaults applied). */
  params: JsonObject;
}

/** A model descriptor; `domain` says which datasets it can train on. */
export interface ModelDescriptor<D extends Domain = Domain> extends PluginDescriptor<"model"> {
  domain: D;
}

/** A loss descriptor; `needsTeacher` is a literal type so a missing teacher fails `deno check`. */
export interface LossDescriptor<T extends boolean = boolean> extends PluginDescriptor<"loss"> {
  needsTeacher: T;
  /** Whether the loss reads student/teacher activations (l2-activation matching). */
  needsActivations: boolean;
}

/** A dataset descriptor. */
export interface DatasetDescriptor<D extends Domain = Domain> extends PluginDescriptor<"dataset"> {
  domain: D;
}

/** Any descriptor. */
export type AnyDescriptor = ModelDescriptor | LossDescriptor | DatasetDescriptor;
