#!/bin/sh
# GPU check, for a machine with an NVIDIA GPU (its parts' time limits add up to about 6 minutes):
# what the doctor sees, the webgpu executor conformance suite (convolutions, matmul and batch norm
# against cpu, numeric gradients, training steps of the resnet and lstm plugins), the webgpu bench
# and, where tfjs-node-gpu is installed, the gpu executor's conformance suite and bench.
# Each part has its own time limit and the script goes on after a failure; it exits non-zero if
# any part failed.
#
#   sh bench/gpu_check.sh
cd "$(dirname "$0")/.." || exit 1
failed=0

part() {
  limit=$1
  title=$2
  shift 2
  echo "== $title"
  if ! timeout "$limit" "$@"; then
    echo "== $title: failed or over ${limit}s"
    failed=1
  fi
}

echo "== nvidia-smi"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo "(no nvidia-smi)"
part 90 "deno task doctor" deno task doctor
part 80 "webgpu conformance suite" \
  env BORN_AGAIN_TEST_WEBGPU=1 deno test --allow-all tests/lib/executors/webgpu_test.ts
part 60 "webgpu bench" \
  deno run --allow-all bench/executors.ts --executors webgpu --steps 4 --leak-steps 100
if deno eval 'import { findInstalledNpm } from "./lib/executors/tfjs_node/installed_npm.ts";
Deno.exit(findInstalledNpm("@tensorflow/tfjs-node-gpu", "4.22.0", "lib/*/tfjs_binding.node") ? 0 : 1);'; then
  part 80 "gpu conformance suite" deno test --allow-all tests/lib/executors/gpu_conformance_test.ts
  part 60 "gpu bench" \
    deno run --allow-all bench/executors.ts --executors gpu --steps 4 --leak-steps 100
else
  echo "== gpu bench: skipped, tfjs-node-gpu is not installed (deno task doctor says how)"
fi
exit $failed
