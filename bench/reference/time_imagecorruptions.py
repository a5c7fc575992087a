#!/usr/bin/env python3
"""Time bethgelab/imagecorruptions single-threaded on faultline's two 224x224 fixture images, so
BENCHMARKS.md can compare faultline with the reference on the same machine.

Not run by `npm run bench` (faultline's users need no Python). To reproduce, on Debian 12:
  apt-get install -y python3-skimage python3-opencv python3-pil python3-numba python3-scipy
  get imagecorruptions (bethgelab, corruptions.py at commit 952dc3e) into DIR/imagecorruptions
  /usr/bin/python3 bench/reference/time_imagecorruptions.py DIR [runs] > bench/reference/imagecorruptions-ms.json

Usage: time_imagecorruptions.py DIR [runs]   (DIR: folder holding the imagecorruptions package)
       time_imagecorruptions.py DIR --serve   (used by `npm run bench` when FAULTLINE_IMAGECORRUPTIONS=DIR:
       after a warm-up it prints one JSON line with versions, then answers each "round" line on stdin with one
       JSON line of severity-3 timings {name: [ms, ...]}: each corruption W untimed and then N timed times in a
       row ("round N W"), alternating astronaut and coffee, so the bench can alternate rounds of
       faultline and of the reference and compare them under the same machine load)
Times the public API imagecorruptions.corrupt(img_uint8, severity, name)
(includes PIL.Image.fromarray wrap and final np.uint8 cast), per corruption,
2 untimed warm-up passes over all combinations, then `runs` interleaved timed rounds;
median per (image, severity, corruption) (time.perf_counter).
"""
import os
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
          "NUMBA_NUM_THREADS"):
    os.environ[v] = "1"
import sys, json, time, statistics, platform, warnings
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, sys.argv[1])
warnings.filterwarnings("ignore")

import numpy as np, scipy, skimage, cv2, PIL, numba
from PIL import Image
cv2.setNumThreads(1)
import imagecorruptions as ic
from imagecorruptions import corruptions as icc

SERVE = len(sys.argv) > 2 and sys.argv[2] == "--serve"
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 and not SERVE else 11
IMAGES = {n: os.path.join(ROOT, "fixtures", "data", "images", f"{n}.png") for n in ("astronaut", "coffee")}
NAMES = ic.get_corruption_names("all")
assert len(NAMES) == 19, NAMES


def read(p):
    with open(p) as f:
        return f.read().strip()


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()


loadavg_before = read("/proc/loadavg")
np.random.seed(0)

imgs = {}
for n, p in IMAGES.items():
    a = np.asarray(Image.open(p).convert("RGB"), dtype=np.uint8)
    assert a.shape == (224, 224, 3), a.shape
    imgs[n] = a


def versions():
    return {"numpy": np.__version__, "scipy": scipy.__version__,
            "skimage": skimage.__version__, "cv2": cv2.__version__,
            "PIL": PIL.__version__, "numba": numba.__version__,
            "llvmlite": __import__("llvmlite").__version__}


if SERVE:
    for _ in range(2):   # warm-up, as below (severity 3 only)
        for n, img in imgs.items():
            for name in NAMES:
                ic.corrupt(img, severity=3, corruption_name=name)
    print(json.dumps({"ready": True, "versions": versions(), "cpu_model": cpu_model(),
                      "python": sys.executable + " " + platform.python_version()}), flush=True)
    pair = list(imgs.values())
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] != "round":
            break
        calls = int(words[1]) if len(words) > 1 else 2
        warm = int(words[2]) if len(words) > 2 else 0
        out = {}
        for name in NAMES:   # each corruption `warm` untimed + `calls` timed times in a row, alternating the two images
            for k in range(warm):
                ic.corrupt(pair[k % 2], severity=3, corruption_name=name)
            ms = []
            for k in range(calls):
                t0 = time.perf_counter()
                ic.corrupt(pair[k % 2], severity=3, corruption_name=name)
                ms.append((time.perf_counter() - t0) * 1e3)
            out[name] = ms
        print(json.dumps(out), flush=True)
    sys.exit(0)

SEVS = ("3", "1", "2", "4", "5")   # severity 3 first in each round (the main number)
# Untimed warm-up pass over every (image, severity, corruption): numba JIT for glass_blur,
# first-touch/allocator effects, file caches for frost textures.
for _ in range(2):
    for s in SEVS:
        for n, img in imgs.items():
            for name in NAMES:
                out = ic.corrupt(img, severity=int(s), corruption_name=name)
                assert out.shape == img.shape and out.dtype == np.uint8
# Timed: RUNS interleaved rounds (each round touches every combination once), so slow
# drift of the shared VM is spread over all entries; per-entry median over rounds.
ts = {n: {s: {name: [] for name in NAMES} for s in SEVS} for n in imgs}
for _ in range(RUNS):
    for s in SEVS:
        for n, img in imgs.items():
            for name in NAMES:
                t0 = time.perf_counter()
                ic.corrupt(img, severity=int(s), corruption_name=name)
                ts[n][s][name].append((time.perf_counter() - t0) * 1e3)
per = {n: {s: {name: {"median": statistics.median(v), "min": min(v), "max": max(v)}
               for name, v in sorted(ts[n][s].items(), key=lambda kv: NAMES.index(kv[0]))}
           for s in sorted(ts[n])} for n in imgs}

loadavg_after = read("/proc/loadavg")

disp = icc._shuffle_pixels_njit_glass_blur
numba_info = {
    "dispatcher_type": type(disp).__name__,
    "compiled_signatures": [str(s) for s in getattr(disp, "signatures", [])],
    "active": bool(getattr(disp, "signatures", [])),
}
# Cost of the shuffle kernel alone, compiled vs pure-python fallback (sev 3 params), astronaut
c = (1, 2, 3)
x0 = np.uint8(skimage.filters.gaussian(imgs["astronaut"] / 255., sigma=1, channel_axis=-1) * 255)
def _t(f, reps):
    ts = []
    for _ in range(reps):
        x = x0.copy(); t0 = time.perf_counter(); f(224, 224, x, c); ts.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(ts)
numba_info["shuffle_kernel_numba_ms_s3"] = _t(disp, 9)
numba_info["shuffle_kernel_pure_python_ms_s3"] = _t(disp.py_func, 3)

res = {
    "machine": {"cpu_model": cpu_model(), "nproc": os.cpu_count(),
                "python": sys.executable + " " + platform.python_version(),
                "platform": platform.platform()},
    "loadavg": {"before": loadavg_before, "after": loadavg_after},
    "versions": versions(),
    "threads": {"env": {v: os.environ[v] for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                                   "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")},
                "cv2.getNumThreads": cv2.getNumThreads()},
    "method": f"ic.corrupt(uint8 224x224x3, severity, name); 2 full warm-up passes + median of {RUNS} interleaved rounds, time.perf_counter; np.random.seed(0) once",
    "numba_glass_blur": numba_info,
    "per_corruption_ms_s3": {n: {k: round(v["median"], 3) for k, v in per[n]["3"].items()} for n in imgs},
    "total_s3_ms": {n: round(sum(v["median"] for v in per[n]["3"].values()), 2) for n in imgs},
    "totals_by_severity_ms": {n: {s: round(sum(v["median"] for v in per[n][s].values()), 2)
                                  for s in per[n]} for n in imgs},
    "per_corruption_ms_all_severities": per,
}
json.dump(res, sys.stdout, indent=1)
sys.stdout = sys.stderr

print("loadavg before:", loadavg_before, "| after:", loadavg_after)
print(f"{'corruption':20s} " + " ".join(f"{n:>10s}" for n in imgs))
for name in NAMES:
    print(f"{name:20s} " + " ".join(f"{per[n]['3'][name]['median']:10.2f}" for n in imgs))
print(f"{'TOTAL s3':20s} " + " ".join(f"{res['total_s3_ms'][n]:10.2f}" for n in imgs))
for s in "12345":
    print(f"{'TOTAL s'+s:20s} " + " ".join(f"{res['totals_by_severity_ms'][n][s]:10.2f}" for n in imgs))
print(json.dumps(res["versions"]), json.dumps(numba_info))
