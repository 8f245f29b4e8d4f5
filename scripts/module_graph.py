#!/usr/bin/env python3
"""The import graph of jwt-runtime's top-level modules, and whether it has a cycle.

Each edge `a -> b` means a file of module `a` names `crate::b` (a `use` or a path).
`__private` (the expansions' support module, the top) and `lib.rs` (the root's
re-exports) are left out. Prints the edges, a topological order, and exits 1 on a cycle.
"""
import pathlib, re, sys

src = pathlib.Path(__file__).resolve().parent.parent / "jwt-runtime" / "src"
modules = {}
for path in sorted(src.rglob("*.rs")):
    rel = path.relative_to(src)
    top = rel.parts[0].removesuffix(".rs")
    if top in ("lib", "private"):
        continue
    modules.setdefault(top, set())
    text = path.read_text()
    # drop doc comments and comments: doc links are not imports
    text = re.sub(r"(?m)^\s*//.*$", "", text)
    for m in re.finditer(r"\bcrate::(\w+)", text):
        target = m.group(1)
        is_module = (src / f"{target}.rs").exists() or (src / target).is_dir()
        if is_module and target != top:
            modules[top].add(target)
edges = {a: sorted(b for b in bs if b in modules) for a, bs in modules.items()}
for a in sorted(edges):
    print(f"{a} -> {', '.join(edges[a]) or '(nothing)'}")
order, state = [], {}
def visit(node, stack):
    if state.get(node) == 1:
        print("cycle:", " -> ".join(stack + [node]))
        sys.exit(1)
    if state.get(node) == 2:
        return
    state[node] = 1
    for nxt in edges[node]:
        visit(nxt, stack + [node])
    state[node] = 2
    order.append(node)
for node in sorted(edges):
    visit(node, [])
print("order (leaves first):", " < ".join(order))
