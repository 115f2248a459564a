#!/usr/bin/env bash
# npm run train:occlusion: writes the training samples (two processes, one per core) from the
# train split of ../shared/data/dev, then trains and exports the head into models/heads/occlusion.
# Needs PyTorch (Debian: apt-get install python3-torch); PYTHON picks the interpreter.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
data_dir="${OCCLUSION_DATA_DIR:-${TMPDIR:-/tmp}/face-quality-train/occlusion}"
py="${PYTHON:-}"
if [ -z "$py" ]; then
  for candidate in python3 /usr/bin/python3; do
    if "$candidate" -c 'import torch' 2>/dev/null; then py="$candidate"; break; fi
  done
fi
if [ -z "$py" ]; then
  echo "train:occlusion needs PyTorch: apt-get install python3-torch (or set PYTHON)" >&2
  exit 1
fi
rm -rf "$data_dir"
pids=()
for shard in 0 1; do
  npx tsx scripts/train/occlusion-data.ts --out "$data_dir" --rounds 3 --shard "$shard/2" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
"$py" training/occlusion/train.py --data "$data_dir" --out models/heads/occlusion "$@"
# The repository's formatter owns JSON layout (CI checks it).
npx biome format --write models/heads/occlusion training/occlusion/metrics.json
