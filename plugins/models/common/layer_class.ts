/**
 * Custom tfjs-layers classes must extend the `Layer` class of the TensorFlow.js instance the
 * worker loaded, which plugin files only see at build time through the context. This defines such
 * a class once per loaded instance, and registers it for (de)serialisation.
 *
 * @module
 */
import type { TfContext } from "../../../lib/plugin/runtime.ts";

/** Returns `get(ctx)`, which defines (on first use) and returns the class for `ctx`. */
export function lazyLayerClass<C extends new (...args: never[]) => object>(
  define: (ctx: TfContext) => C,
): (ctx: TfContext) => C {
  const classes = new WeakMap<object, C>();
  return (ctx) => {
    let cls = classes.get(ctx.tfl);
    if (!cls) {
      cls = define(ctx);
      ctx.tf.serialization.registerClass(
        cls as unknown as Parameters<typeof ctx.tf.serialization.registerClass>[0],
      );
      classes.set(ctx.tfl, cls);
    }
    return cls;
  };
}
