/**
 * The oneDNN 2.x C API symbols this executor calls, as `Deno.dlopen` signatures. Every call is
 * blocking: a nonblocking FFI call costs tens of microseconds of thread hand-off, more than most
 * primitives take on small tensors.
 *
 * Descriptor structs (memory, convolution, …) are opaque byte buffers here: the library fills them
 * through its `*_desc_init` functions and reads them back, so only their upper size bound matters
 * (see `DESC_BYTES`).
 *
 * @module
 */

const P = "pointer" as const;
const B = "buffer" as const;
const I32 = "i32" as const;
const F32 = "f32" as const;
const I64 = "i64" as const;

/** Signatures of the oneDNN 2.x functions used. */
export const SYMBOLS = {
  dnnl_version: { parameters: [], result: P },
  dnnl_engine_create: { parameters: [B, I32, "usize"], result: I32 },
  dnnl_stream_create: { parameters: [B, P, "u32"], result: I32 },
  dnnl_stream_wait: { parameters: [P], result: I32 },
  dnnl_memory_desc_init_by_tag: { parameters: [B, I32, B, I32, I32], result: I32 },
  dnnl_memory_desc_init_by_strides: { parameters: [B, I32, B, I32, B], result: I32 },
  dnnl_memory_desc_equal: { parameters: [P, P], result: I32 },
  dnnl_memory_desc_get_size: { parameters: [P], result: "usize" },
  dnnl_memory_create: { parameters: [B, P, P, P], result: I32 },
  dnnl_memory_set_data_handle: { parameters: [P, B], result: I32 },
  dnnl_memory_destroy: { parameters: [P], result: I32 },
  dnnl_primitive_attr_create: { parameters: [B], result: I32 },
  dnnl_primitive_attr_destroy: { parameters: [P], result: I32 },
  dnnl_primitive_attr_set_post_ops: { parameters: [P, P], result: I32 },
  dnnl_primitive_attr_set_scratchpad_mode: { parameters: [P, I32], result: I32 },
  dnnl_post_ops_create: { parameters: [B], result: I32 },
  dnnl_post_ops_destroy: { parameters: [P], result: I32 },
  dnnl_post_ops_append_eltwise: { parameters: [P, F32, I32, F32, F32], result: I32 },
  dnnl_post_ops_append_sum: { parameters: [P, F32], result: I32 },
  dnnl_post_ops_append_binary: { parameters: [P, I32, P], result: I32 },
  dnnl_primitive_desc_create: { parameters: [B, B, P, P, P], result: I32 },
  dnnl_primitive_desc_destroy: { parameters: [P], result: I32 },
  dnnl_primitive_desc_iterator_create: { parameters: [B, B, P, P, P], result: I32 },
  dnnl_primitive_desc_iterator_next: { parameters: [P], result: I32 },
  dnnl_primitive_desc_iterator_fetch: { parameters: [P], result: P },
  dnnl_primitive_desc_iterator_destroy: { parameters: [P], result: I32 },
  dnnl_primitive_desc_query: { parameters: [P, I32, I32, B], result: I32 },
  dnnl_primitive_desc_query_md: { parameters: [P, I32, I32], result: P },
  dnnl_primitive_create: { parameters: [B, P], result: I32 },
  dnnl_primitive_destroy: { parameters: [P], result: I32 },
  dnnl_primitive_execute: { parameters: [P, P, I32, B], result: I32 },
  dnnl_reorder_primitive_desc_create: { parameters: [B, P, P, P, P, P], result: I32 },
  dnnl_convolution_forward_desc_init: {
    parameters: [B, I32, I32, P, P, P, P, B, B, B],
    result: I32,
  },
  dnnl_convolution_backward_data_desc_init: {
    parameters: [B, I32, P, P, P, B, B, B],
    result: I32,
  },
  dnnl_convolution_backward_weights_desc_init: {
    parameters: [B, I32, P, P, P, P, B, B, B],
    result: I32,
  },
  dnnl_dilated_convolution_forward_desc_init: {
    parameters: [B, I32, I32, P, P, P, P, B, B, B, B],
    result: I32,
  },
  dnnl_dilated_convolution_backward_data_desc_init: {
    parameters: [B, I32, P, P, P, B, B, B, B],
    result: I32,
  },
  dnnl_dilated_convolution_backward_weights_desc_init: {
    parameters: [B, I32, P, P, P, P, B, B, B, B],
    result: I32,
  },
  dnnl_eltwise_forward_desc_init: { parameters: [B, I32, I32, P, F32, F32], result: I32 },
  dnnl_eltwise_backward_desc_init: { parameters: [B, I32, P, P, F32, F32], result: I32 },
  dnnl_binary_desc_init: { parameters: [B, I32, P, P, P], result: I32 },
  dnnl_batch_normalization_forward_desc_init: {
    parameters: [B, I32, P, F32, "u32"],
    result: I32,
  },
  dnnl_batch_normalization_backward_desc_init: {
    parameters: [B, I32, P, P, F32, "u32"],
    result: I32,
  },
  dnnl_pooling_v2_forward_desc_init: {
    parameters: [B, I32, I32, P, P, B, B, B, B, B],
    result: I32,
  },
  dnnl_pooling_v2_backward_desc_init: {
    parameters: [B, I32, P, P, B, B, B, B, B],
    result: I32,
  },
  dnnl_softmax_v2_forward_desc_init: { parameters: [B, I32, I32, P, P, I32], result: I32 },
  dnnl_softmax_v2_backward_desc_init: { parameters: [B, I32, P, P, P, I32], result: I32 },
  dnnl_matmul_desc_init: { parameters: [B, P, P, P, P], result: I32 },
  dnnl_reduction_desc_init: { parameters: [B, I32, P, P, F32, F32], result: I32 },
  dnnl_sgemm: {
    parameters: ["u8", "u8", I64, I64, I64, F32, B, I64, B, I64, F32, B, I64],
    result: I32,
  },
} as const;

/** The opened library's functions. */
export type DnnlSymbols = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/**
 * Bytes reserved for any oneDNN 2.x descriptor struct. The largest used, the convolution
 * descriptor, is 5,976 bytes in 2.6; the memory descriptor is 696.
 */
export const DESC_BYTES = 8192;
/** Bytes reserved for a memory descriptor (696 in oneDNN 2.6). */
export const MD_BYTES = 1024;
