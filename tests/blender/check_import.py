"""Imports one Likeness export into Blender (headless) and checks what Blender found.

blender -b --factory-startup --python check_import.py -- FORMAT FILE EXPECTED_DIR

FORMAT is glb, fbx or obj. EXPECTED_DIR holds what blender_make_exports wrote (expected.json,
rest.f32, posed.f32, deltas.f32, uvs.f32). Prints each finding; exits 1 on any mismatch.
"""
import json
import os
import sys

import numpy

# Debian's Blender 3.4 glTF importer uses numpy.bool, removed in numpy 1.24 (STACK_NOTES.md).
if not hasattr(numpy, "bool"):
    numpy.bool = bool

import bpy  # noqa: E402
from mathutils import kdtree  # noqa: E402

TOLERANCE = 2e-5  # metres: float32 positions of a head about 0.3 m across

failures = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


def main():
    args = sys.argv[sys.argv.index("--") + 1:]
    fmt, path, expected_dir = args[0], args[1], args[2]
    expected = json.load(open(os.path.join(expected_dir, "expected.json")))
    rest = numpy.fromfile(os.path.join(expected_dir, "rest.f32"), dtype="<f4").reshape(-1, 3)
    posed = numpy.fromfile(os.path.join(expected_dir, "posed.f32"), dtype="<f4").reshape(-1, 3)
    deltas = numpy.fromfile(os.path.join(expected_dir, "deltas.f32"), dtype="<f4").reshape(len(expected["shape_names"]), -1, 3)
    uvs = numpy.fromfile(os.path.join(expected_dir, "uvs.f32"), dtype="<f4").reshape(-1, 2)

    bpy.ops.wm.read_factory_settings(use_empty=True)
    if fmt == "glb":
        bpy.ops.import_scene.gltf(filepath=path)
    elif fmt == "fbx":
        bpy.ops.import_scene.fbx(filepath=path)
    elif fmt == "obj":
        bpy.ops.wm.obj_import(filepath=path)
    else:
        raise SystemExit("unknown format " + fmt)

    meshes = [o for o in bpy.context.scene.objects if o.type == "MESH"]
    check(len(meshes) == 1, "mesh objects: %d (expected 1)" % len(meshes))
    if not meshes:
        return
    obj = meshes[0]
    me = obj.data
    n = len(me.vertices)
    want = expected["split_vertices_per_material"] if fmt == "glb" else expected["vertices"]
    check(n == want, "vertices: %d (expected %d)" % (n, want))
    want = expected["triangles"] if fmt == "glb" else expected["polygons"]  # glTF holds triangles
    check(len(me.polygons) == want, "polygons: %d (expected %d)" % (len(me.polygons), want))

    # World-space positions of the base shape, matched to the expected vertices.
    world = obj.matrix_world
    co = numpy.empty(n * 3, dtype=numpy.float64)
    me.vertices.foreach_get("co", co)
    co = co.reshape(-1, 3)
    m = numpy.array(world)
    co_world = co @ m[:3, :3].T + m[:3, 3]
    target = posed if fmt == "obj" else rest
    tree = kdtree.KDTree(len(target))
    for i, p in enumerate(target):
        tree.insert(p.tolist(), i)
    tree.balance()
    # The head has a few vertices at identical positions: keep every candidate within reach.
    candidates = []
    worst = 0.0
    for i in range(n):
        _, _, dist = tree.find(co_world[i].tolist())
        worst = max(worst, dist)
        candidates.append([index for _, index, _ in tree.find_range(co_world[i].tolist(), dist + 1e-7)])
    check(worst < TOLERANCE, "positions (metres, Z up): worst distance to the expected vertex %.3g m" % worst)
    got_positions = {tuple(numpy.round(p, 6)) for p in co_world}
    want_positions = {tuple(numpy.round(p.astype(numpy.float64), 6)) for p in target}
    check(abs(len(got_positions) - len(want_positions)) <= 2,
          "distinct positions: %d (expected %d)" % (len(got_positions), len(want_positions)))

    # UVs: every imported UV is an exported one and (nearly) every exported one is used.
    layer = me.uv_layers.active
    check(layer is not None, "UV layer present")
    if layer is not None:
        loop_uv = numpy.empty(len(me.loops) * 2, dtype=numpy.float64)
        layer.data.foreach_get("uv", loop_uv)
        loop_uv = loop_uv.reshape(-1, 2)
        uv_tree = kdtree.KDTree(len(uvs))
        for i, (u, v) in enumerate(uvs):
            uv_tree.insert((float(u), float(v), 0.0), i)
        uv_tree.balance()
        uv_worst = 0.0
        used = set()
        for u, v in loop_uv:
            _, index, dist = uv_tree.find((u, v, 0.0))
            uv_worst = max(uv_worst, dist)
            used.add((round(float(uvs[index][0]), 6), round(float(uvs[index][1]), 6)))
        distinct = {(round(float(u), 6), round(float(v), 6)) for u, v in uvs}
        check(uv_worst < 1e-5, "UVs: worst distance to an exported UV %.3g" % uv_worst)
        check(len(used) == len(distinct), "distinct UVs used: %d of %d" % (len(used), len(distinct)))

    # Shape keys: names, weights, offsets.
    names = expected["shape_names"]
    if fmt == "obj":
        check(me.shape_keys is None, "no shape keys in OBJ (the expression is applied to the positions)")
    else:
        keys = me.shape_keys.key_blocks if me.shape_keys else []
        got_names = [k.name for k in keys][1:]
        check(got_names == names, "shape keys: %d with the ARKit names in order (expected %d)" % (len(got_names), len(names)))
        weights_ok = all(abs(keys[i + 1].value - w) < 1e-4 for i, w in enumerate(expected["shape_weights"])) if got_names == names else False
        check(weights_ok, "shape key values are the current expression weights")
        if got_names == names:
            basis = numpy.empty(n * 3)
            keys[0].data.foreach_get("co", basis)
            worst = 0.0
            lin = m[:3, :3]
            for s in range(len(names)):
                kco = numpy.empty(n * 3)
                keys[s + 1].data.foreach_get("co", kco)
                d = (kco - basis).reshape(-1, 3) @ lin.T
                for i in range(n):
                    err = min(float(numpy.abs(d[i] - deltas[s][c]).max()) for c in candidates[i])
                    worst = max(worst, err)
            check(worst < TOLERANCE, "shape key offsets: worst error %.3g m over %d shapes" % (worst, len(names)))

    # Materials and textures found.
    mats = [s.material.name for s in obj.material_slots if s.material]
    want_mats = expected["materials"]
    check(sorted(m_.split(".")[0] for m_ in mats) == sorted(want_mats), "materials: %s" % ", ".join(mats))
    found = 0
    for slot in obj.material_slots:
        mat = slot.material
        ok = False
        if mat and mat.use_nodes:
            for node in mat.node_tree.nodes:
                if node.type == "TEX_IMAGE" and node.image is not None and node.image.size[0] > 0:
                    ok = True
        found += ok
        if not ok:
            print("      material without a loaded texture: " + (mat.name if mat else "?"))
    check(found == len(want_mats), "materials with a loaded texture image: %d of %d" % (found, len(want_mats)))
    images = [i for i in bpy.data.images if i.size[0] > 0]
    print("      images loaded: %d" % len(images))


main()
print("%d failure(s)" % len(failures))
sys.stdout.flush()
os._exit(1 if failures else 0)
