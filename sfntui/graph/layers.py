"""Layered (Sugiyama) placement of one graph on a character grid.

grandalf orders each layer to reduce crossings (its Sugiyama layout, after the nodes are
ranked by longest path). This module then gives every node an integer column (the priority
method: long edges stay straight, a heavy link such as a state's Next keeps its ends in
line), stacks the layers top to bottom with a routing channel between each pair, and routes
every link orthogonally: down from the middle of its source's bottom, along a track of the
channel, down into the middle of its target's top. Long links into one target share a
column (a bundle), so a shared error handler does not spread a column per Catch across the
graph. Links that point back up (loops) leave downwards like the others and climb a column
right of every node in the layers they span, so they never cross one.

Nothing here knows about state machines: nodes are sized rectangles, links are pairs of keys.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from grandalf.graphs import Edge as GrandalfEdge
from grandalf.graphs import Vertex, graph_core
from grandalf.layouts import DummyVertex, SugiyamaLayout

Point = tuple[int, int]

#: Blank columns between two neighbours of a layer.
GAP = 2
#: Rounds of grandalf's crossing reduction (each sweeps down and back up).
ORDERING_ROUNDS = 2
#: Sweeps of the column placement, alternating down and up; the last one goes down.
PLACEMENT_SWEEPS = ("down", "up", "down", "up", "down")
#: The widest jog left after them that is straightened when there is room (columns).
JOG = 4
_DUMMY_PRIORITY = 1 << 20
#: Above this many nodes, layers are ordered here (barycenter sweeps, near-linear) instead of
#: by grandalf, whose ranking and graph set-up grow with the square of the nodes (a Choice of
#: 2,000 branches took a minute); below it the drawings stay exactly what grandalf orders.
LARGE_GRAPH = 300


@dataclass(frozen=True, slots=True)
class Node:
    key: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Link:
    source: str
    target: str
    #: How strongly the link pulls its ends into line: a state's Next outweighs a branch
    #: to the side, so the main path stays straight and branches leave it.
    weight: int = 1


@dataclass(frozen=True, slots=True)
class Placement:
    width: int
    height: int
    #: The top-left cell of every node.
    positions: Mapping[str, Point]
    #: For each link, its route: the corners of an orthogonal line from the cell below the
    #: source's bottom-middle to the cell above the target's top-middle.
    routes: tuple[tuple[Point, ...], ...]
    #: The links drawn as loops (up the right-hand side).
    back: frozenset[int]


class _View:
    """What grandalf expects to find as `vertex.view`."""

    __slots__ = ("w", "h")

    def __init__(self, w: int, h: int) -> None:
        self.w = w
        self.h = h


class _Segment:
    """One link's passage through one channel. `ups` are columns where it joins the channel's
    top, `downs` where it joins the bottom; between them it runs along its net's track."""

    __slots__ = ("ups", "downs", "source", "target", "net")

    def __init__(
        self, ups: tuple[int, ...], downs: tuple[int, ...], source: int | None, target: int | None
    ) -> None:
        self.ups = ups
        self.downs = downs
        self.source = source
        self.target = target
        self.net: _Net | None = None


class _Net:
    """Segments that may share cells: a fan-out from one source, or a fan-in to one target."""

    __slots__ = ("ups", "downs", "lo", "hi", "track")

    def __init__(self, segments: list[_Segment]) -> None:
        self.ups = {x for s in segments for x in s.ups}
        self.downs = {x for s in segments for x in s.downs}
        columns = self.ups | self.downs
        self.lo = min(columns)
        self.hi = max(columns)
        self.track = -1  # -1: a straight vertical line, no track needed


def place(nodes: Sequence[Node], links: Sequence[Link]) -> Placement:
    """Place `nodes` (the first is where the graph is entered) and route `links`."""
    return _Placer(nodes, links).run()


class _Placer:
    def __init__(self, nodes: Sequence[Node], links: Sequence[Link]) -> None:
        self.nodes = nodes
        self.links = links
        index = {node.key: i for i, node in enumerate(nodes)}
        self.ends = [(index[link.source], index[link.target]) for link in links]
        # Per item (a node, or a dummy standing for a long link in one layer):
        self.width = [node.width for node in nodes]
        self.height = [node.height for node in nodes]
        self.dummy = [False] * len(nodes)
        self.layer_of = [0] * len(nodes)
        self.x = [0] * len(nodes)
        self.y = [0] * len(nodes)
        #: A bundle's junctions: the junction above (None for the first) and the item below.
        self.along: dict[int, tuple[int | None, int]] = {}

    def run(self) -> Placement:
        back = self._back_links()
        layers, chains = self._rank_and_order(back)
        weights: dict[tuple[int, int], int] = {}
        for li, chain in chains.items():
            for pair in _pairs(chain):
                weights[pair] = max(weights.get(pair, 0), self.links[li].weight)
        hops = list(weights)
        self._place_columns(layers, weights)
        right = max((self.x[i] + self.width[i] for i in range(len(self.x))), default=0)
        margins = self._margin_columns(layers, back)
        channels = self._channels(layers, hops, back, margins)
        tracks = [self._assign_tracks(segments) for segments in channels]
        last = len(layers)
        # Between two layers a channel has a row where lines leave, its tracks, and a row for
        # arrowheads; above the first layer and below the last only what loops need there.
        heights = [
            count + (2 if 0 < c < last else 1) if count else (2 if 0 < c < last else 0)
            for c, count in enumerate(tracks)
        ]
        self.first_track_row = [0 if c == 0 else 1 for c in range(last + 1)]
        channel_top: list[int] = []
        y = 0
        for c in range(last + 1):
            channel_top.append(y)
            y += heights[c]
            if c < last:
                layer = layers[c]
                for item in layer:
                    self.y[item] = y
                y += max((self.height[i] for i in layer), default=1) or 1
        height = y
        routes = [
            self._back_route(li, margins[li], channel_top)
            if li in back
            else self._forward_route(chains[li], channel_top)
            for li in range(len(self.links))
        ]
        width = max([right, *(m + 1 for m in margins.values())])
        positions = {node.key: (self.x[i], self.y[i]) for i, node in enumerate(self.nodes)}
        return Placement(width, height, positions, tuple(routes), frozenset(back))

    # --- loops ---

    def _back_links(self) -> set[int]:
        """The links a depth-first walk from the entry finds pointing back to a node still on
        its path: removing them leaves the graph acyclic. Self-loops are among them."""
        count = len(self.nodes)
        outgoing: list[list[int]] = [[] for _ in range(count)]
        has_incoming = [False] * count
        for li, (source, target) in enumerate(self.ends):
            outgoing[source].append(li)
            has_incoming[target] = True
        roots = [0, *(i for i in range(count) if not has_incoming[i]), *range(count)]
        state = [0] * count  # 0 unseen, 1 on the path, 2 done
        back: set[int] = set()
        for root in roots:
            if state[root]:
                continue
            state[root] = 1
            stack = [(root, iter(outgoing[root]))]
            while stack:
                node, pending = stack[-1]
                for li in pending:
                    target = self.ends[li][1]
                    if state[target] == 0:
                        state[target] = 1
                        stack.append((target, iter(outgoing[target])))
                        break
                    if state[target] == 1:
                        back.add(li)
                else:
                    state[node] = 2
                    stack.pop()
        return back

    # --- ranks and order: grandalf ---

    def _ranks(self, forward: list[int]) -> list[int]:
        """Each node's layer: the longest path to it (what grandalf computes too)."""
        count = len(self.nodes)
        outgoing: list[list[int]] = [[] for _ in range(count)]
        waiting = [0] * count
        for li in forward:
            source, target = self.ends[li]
            outgoing[source].append(target)
            waiting[target] += 1
        ranks = [0] * count
        queue = [i for i in range(count) if not waiting[i]]
        for node in queue:
            for target in outgoing[node]:
                ranks[target] = max(ranks[target], ranks[node] + 1)
                waiting[target] -= 1
                if not waiting[target]:
                    queue.append(target)
        return ranks

    def _new_item(self, width: int, height: int, rank: int) -> int:
        self.width.append(width)
        self.height.append(height)
        self.dummy.append(True)
        self.layer_of.append(rank)
        self.x.append(0)
        self.y.append(0)
        return len(self.width) - 1

    def _rank_and_order(self, back: set[int]) -> tuple[list[list[int]], dict[int, list[int]]]:
        """Layers (items in order) and, per forward link, the items it passes through.

        Long links into the same target are bundled: they join one column of shared
        junctions on their way down (a shared error handler, the End marker), instead of
        each taking a column of its own through every layer they pass."""
        forward = [li for li in range(len(self.links)) if li not in back]
        ranks = self._ranks(forward)
        long_links: dict[int, list[int]] = defaultdict(list)
        for li in forward:
            source, target = self.ends[li]
            if ranks[target] - ranks[source] > 1:
                long_links[target].append(li)
        bundled = {t: lis for t, lis in long_links.items() if len(lis) > 1}
        pairs: dict[tuple[int, int], None] = {}
        chains: dict[int, list[int]] = {}
        for li in forward:
            source, target = self.ends[li]
            if target not in bundled or ranks[target] - ranks[source] <= 1:
                pairs[(source, target)] = None
        for target, lis in bundled.items():
            top = min(ranks[self.ends[li][0]] for li in lis) + 1
            junctions = {r: self._new_item(1, 0, r) for r in range(top, ranks[target])}
            for r, junction in junctions.items():
                self.along[junction] = (junctions.get(r - 1), junctions.get(r + 1, target))
            for li in lis:
                source = self.ends[li][0]
                chain = [source, *(junctions[r] for r in range(ranks[source] + 1, ranks[target]))]
                chains[li] = [*chain, target]
                for pair in _pairs(chains[li]):
                    pairs[pair] = None

        if len(self.nodes) > LARGE_GRAPH:
            layers, pair_chains = self._order_large(pairs, ranks)
        else:
            layers, pair_chains = self._order_with_grandalf(pairs)
        for li in forward:
            if li not in chains:
                chains[li] = pair_chains[self.ends[li]]
        return layers, chains

    def _order_large(
        self, pairs: Mapping[tuple[int, int], None], ranks: list[int]
    ) -> tuple[list[list[int]], dict[tuple[int, int], list[int]]]:
        """Layers ordered by barycenter sweeps, in time near-linear in items and links: a
        link spanning several layers gets a dummy item in each, the first order is the
        order a depth-first walk from the entry meets the items, and each sweep sorts a
        layer by the mean position of each item's neighbours in the layer before it."""
        for node in range(len(self.nodes)):
            self.layer_of[node] = ranks[node]
        pair_chains: dict[tuple[int, int], list[int]] = {}
        hops: list[tuple[int, int]] = []
        for source, target in pairs:
            first, last = self.layer_of[source], self.layer_of[target]
            chain = [source, *(self._new_item(1, 0, r) for r in range(first + 1, last)), target]
            pair_chains[(source, target)] = chain
            hops.extend(_pairs(chain))
        count = len(self.width)
        below: list[list[int]] = [[] for _ in range(count)]
        above: list[list[int]] = [[] for _ in range(count)]
        for a, b in hops:
            below[a].append(b)
            above[b].append(a)
        depth = max(self.layer_of, default=0) + 1
        layers: list[list[int]] = [[] for _ in range(depth)]
        seen = [False] * count
        for root in range(count):
            if seen[root]:
                continue
            seen[root] = True
            stack = [root]
            while stack:
                item = stack.pop()
                layers[self.layer_of[item]].append(item)
                for child in reversed(below[item]):
                    if not seen[child]:
                        seen[child] = True
                        stack.append(child)
        position = [0] * count
        for layer in layers:
            for i, item in enumerate(layer):
                position[item] = i
        for _ in range(ORDERING_ROUNDS):
            for sweep, neighbours in (("down", above), ("up", below)):
                ranks_swept = range(1, depth) if sweep == "down" else range(depth - 2, -1, -1)
                for rank in ranks_swept:
                    layer = layers[rank]

                    def barycenter(item: int, neighbours: list[list[int]] = neighbours) -> float:
                        near = neighbours[item]
                        if not near:
                            return float(position[item])
                        return sum(position[n] for n in near) / len(near)

                    layer.sort(key=barycenter)
                    for i, item in enumerate(layer):
                        position[item] = i
        return layers, pair_chains

    def _order_with_grandalf(
        self, pairs: Mapping[tuple[int, int], None]
    ) -> tuple[list[list[int]], dict[tuple[int, int], list[int]]]:
        """Layers ordered by grandalf's Sugiyama layout, component by component."""
        count = len(self.width)
        vertices = [Vertex(i) for i in range(count)]
        for i, vertex in enumerate(vertices):
            vertex.view = _View(self.width[i], self.height[i])
        edges = {pair: GrandalfEdge(vertices[pair[0]], vertices[pair[1]]) for pair in pairs}
        component = list(range(count))

        def find(i: int) -> int:
            while component[i] != i:
                component[i] = component[component[i]]
                i = component[i]
            return i

        for source, target in edges:
            a, b = find(source), find(target)
            if a != b:
                component[max(a, b)] = min(a, b)
        members: dict[int, list[int]] = defaultdict(list)
        for i in range(count):
            members[find(i)].append(i)
        edges_of: dict[int, list[GrandalfEdge]] = defaultdict(list)
        for (source, _target), edge in edges.items():
            edges_of[find(source)].append(edge)

        layers: list[list[int]] = []
        pair_chains: dict[tuple[int, int], list[int]] = {}
        for root, items in members.items():
            component_edges = edges_of[root]
            core = graph_core([vertices[i] for i in items], component_edges)
            sugiyama = SugiyamaLayout(core)
            roots = [vertices[i] for i in items if not vertices[i].e_in()]
            sugiyama.init_all(roots=roots, inverted_edges=[])
            for _ in range(ORDERING_ROUNDS):
                for _step in sugiyama.ordering_step():
                    pass
            ids: dict[DummyVertex, int] = {}
            for rank, layer in enumerate(sugiyama.layers):
                while len(layers) <= rank:
                    layers.append([])
                for vertex in layer:
                    layers[rank].append(self._item(vertex, rank, ids))
            for edge in component_edges:
                source, target = edge.v[0].data, edge.v[1].data
                controls = sugiyama.ctrls.get(edge)
                if controls is None:
                    pair_chains[(source, target)] = [source, target]
                else:
                    ranked = sorted(controls)
                    inner = [ids[controls[r]] for r in ranked[1:-1]]
                    pair_chains[(source, target)] = [source, *inner, target]
        return layers, pair_chains

    def _item(self, vertex: Vertex | DummyVertex, rank: int, ids: dict[DummyVertex, int]) -> int:
        if isinstance(vertex, DummyVertex):
            item = ids.get(vertex)
            if item is None:
                item = ids[vertex] = self._new_item(1, 0, rank)
            return item
        self.layer_of[vertex.data] = rank
        return vertex.data

    # --- columns: the priority method ---

    def _center(self, item: int) -> int:
        return self.x[item] + self.width[item] // 2

    def _place_columns(
        self, layers: list[list[int]], weights: Mapping[tuple[int, int], int]
    ) -> None:
        """Columns by the priority method: sweeping down then up, each item moves to the
        weighted median column of its neighbours in the layer just swept, the most important
        first (dummies, so long lines stay straight; then items pulled harder) and pushes the
        less important aside. The last sweep goes down, like the reading."""
        above: dict[int, list[tuple[int, int]]] = defaultdict(list)
        below: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for (a, b), weight in weights.items():
            below[a].append((b, weight))
            above[b].append((a, weight))
        x, width = self.x, self.width
        for layer in layers:
            left = 0
            for item in layer:
                x[item] = left
                left += width[item] + GAP
        for sweep in PLACEMENT_SWEEPS:
            if sweep == "down":
                ranks: Sequence[int] = range(1, len(layers))
                near_side, far_side = above, below
            else:
                ranks = range(len(layers) - 2, -1, -1)
                near_side, far_side = below, above
            for rank in ranks:
                layer = layers[rank]
                wanted: list[int] = []
                priority: list[tuple[int, int]] = []
                for item in layer:
                    near: Sequence[tuple[int, int]] = near_side.get(item, ())
                    along = self.along.get(item)
                    if along is not None:
                        # A bundle keeps to its own column: pushed aside, never pushing.
                        neighbour = along[0] if sweep == "down" else along[1]
                        if neighbour is not None:
                            near = ((neighbour, 1),)
                    if near:
                        center = _weighted_median([(self._center(n), w) for n, w in near])
                        wanted.append(center - width[item] // 2)
                    else:
                        wanted.append(x[item])
                    far = len(far_side.get(item, ()))
                    if along is not None:
                        priority.append((0, 0))
                    elif self.dummy[item]:
                        priority.append((_DUMMY_PRIORITY, far))
                    else:
                        priority.append((sum(w for _n, w in near), far))
                self._place_layer(layer, wanted, priority)
        self._straighten(layers, above, below)
        lowest = min(x, default=0)
        if lowest:
            for i in range(len(x)):
                x[i] -= lowest

    def _straighten(
        self,
        layers: list[list[int]],
        above: Mapping[int, list[tuple[int, int]]],
        below: Mapping[int, list[tuple[int, int]]],
    ) -> None:
        """Remove small jogs the sweeps leave: an item moves under (or over) a neighbour a
        few columns away when it fits there without moving anything else."""
        x, width = self.x, self.width
        for sweep in ("down", "up"):
            ranks = range(1, len(layers)) if sweep == "down" else range(len(layers) - 2, -1, -1)
            neighbours = above if sweep == "down" else below
            for rank in ranks:
                layer = layers[rank]
                for position, item in enumerate(layer):
                    center = self._center(item)
                    targets = sorted(
                        (abs(c - center), c)
                        for c in {self._center(n) for n, _w in neighbours.get(item, ())}
                        if 0 < abs(c - center) <= JOG
                    )
                    low = -(1 << 30)
                    if position:
                        before = layer[position - 1]
                        low = x[before] + width[before] + GAP
                    high = 1 << 30
                    if position + 1 < len(layer):
                        high = x[layer[position + 1]] - GAP - width[item]
                    for _distance, target in targets:
                        left = target - width[item] // 2
                        if low <= left <= high:
                            x[item] = left
                            break

    def _place_layer(
        self, layer: list[int], wanted: list[int], priority: list[tuple[int, int]]
    ) -> None:
        """Move each item of one layer towards its wanted column, most important first; an
        item pushes less important ones aside but never a more important one."""
        count = len(layer)
        x, width = self.x, self.width
        sizes = [width[item] for item in layer]
        lefts = [0] * count  # each is set when its item is placed
        middle = (count - 1) / 2
        order = sorted(
            range(count), key=lambda i: (-priority[i][0], -priority[i][1], abs(i - middle), i)
        )
        # room[i]: the columns items 0..i-1 take with their gaps (prefix sums), so the room
        # between two items is a subtraction; the placed items are kept sorted for bisect.
        room = [0] * (count + 1)
        for j in range(count):
            room[j + 1] = room[j] + sizes[j] + GAP
        placed: list[int] = []
        for i in order:
            at = bisect.bisect_left(placed, i)
            low = -(1 << 30)
            if at:
                j = placed[at - 1]
                low = lefts[j] + room[i] - room[j]
            high = 1 << 30
            if at < len(placed):
                j = placed[at]
                high = lefts[j] - (room[j] - room[i])
            lefts[i] = min(max(wanted[i], low), high)
            placed.insert(at, i)
        for item, left in zip(layer, lefts, strict=True):
            x[item] = left

    # --- channels and tracks ---

    def _margin_columns(self, layers: list[list[int]], back: set[int]) -> dict[int, int]:
        """For each loop, a column right of every item in the layers it spans; loops whose
        spans overlap get different columns, shorter loops nearer the items."""
        right = [max((self.x[i] + self.width[i] for i in layer), default=0) for layer in layers]
        loops = []
        for li in back:
            source, target = self.ends[li]
            first, last = self.layer_of[target], self.layer_of[source]
            loops.append((last - first, first, li))
        placed: list[tuple[int, int, int]] = []  # (first layer, last layer, column)
        margins: dict[int, int] = {}
        for _length, first, li in sorted(loops):
            last = self.layer_of[self.ends[li][0]]
            column = max(right[first : last + 1]) + 1
            for other_first, other_last, other_column in placed:
                # spans that meet (a channel counts: channel c is above layer c) overlap
                if other_first <= last + 1 and first <= other_last + 1:
                    column = max(column, other_column + 2)
            placed.append((first, last, column))
            margins[li] = column
        return margins

    def _channels(
        self,
        layers: list[list[int]],
        hops: list[tuple[int, int]],
        back: set[int],
        margins: Mapping[int, int],
    ) -> list[list[_Segment]]:
        """The segments crossing each channel; channel c lies above layer c."""
        channels: list[list[_Segment]] = [[] for _ in range(len(layers) + 1)]
        self.hop_segments: dict[tuple[int, int], _Segment] = {}
        for a, b in hops:
            segment = _Segment((self._center(a),), (self._center(b),), a, b)
            self.hop_segments[(a, b)] = segment
            channels[self.layer_of[b]].append(segment)
        self.loops: dict[int, tuple[_Segment, _Segment]] = {}
        for li in back:
            source, target = self.ends[li]
            margin = margins[li]
            leave = _Segment((self._center(source), margin), (), source, None)
            arrive = _Segment((), (margin, self._center(target)), None, target)
            channels[self.layer_of[source] + 1].append(leave)
            channels[self.layer_of[target]].append(arrive)
            self.loops[li] = (leave, arrive)
        return channels

    @staticmethod
    def _assign_tracks(segments: list[_Segment]) -> int:
        """Group the segments into nets, give each bent net a track (a row of the channel),
        and return how many tracks the channel needs."""
        if not segments:
            return 0
        group = list(range(len(segments)))

        def find(i: int) -> int:
            while group[i] != i:
                group[i] = group[group[i]]
                i = group[i]
            return i

        def join(members: list[int]) -> None:
            first = find(members[0])
            for other in members[1:]:
                group[find(other)] = first

        by_source: dict[int, list[int]] = defaultdict(list)
        for i, segment in enumerate(segments):
            if segment.source is not None:
                by_source[segment.source].append(i)
        by_target: dict[int, list[int]] = defaultdict(list)
        for i, segment in enumerate(segments):
            fan_out = segment.source is not None and len(by_source[segment.source]) > 1
            if not fan_out and segment.target is not None:
                by_target[segment.target].append(i)
        for indexes in (*by_source.values(), *by_target.values()):
            if len(indexes) > 1:
                join(indexes)
        grouped: dict[int, list[_Segment]] = defaultdict(list)
        for i, segment in enumerate(segments):
            grouped[find(i)].append(segment)
        nets = []
        for members in grouped.values():
            net = _Net(members)
            for segment in members:
                segment.net = net
            if net.lo < net.hi:
                nets.append(net)
        if not nets:
            return 0
        # A net that comes down a column must run above a net that goes on down that column.
        ups: dict[int, list[_Net]] = defaultdict(list)
        downs: dict[int, list[_Net]] = defaultdict(list)
        for net in nets:
            for column in net.ups:
                ups[column].append(net)
            for column in net.downs:
                downs[column].append(net)
        above: dict[_Net, set[_Net]] = {net: set() for net in nets}
        for column, upper in ups.items():
            for lower in downs.get(column, ()):
                for net in upper:
                    if net is not lower:
                        above[lower].add(net)
        # Each row's nets, sorted: they never overlap (nor touch), so a net fits in a row
        # when the last net starting before its right end also ends before its left end.
        rows: list[list[tuple[int, int]]] = []
        remaining = sorted(nets, key=lambda n: (n.lo, n.hi))
        done: set[_Net] = set()
        while remaining:
            ready = next((n for n in remaining if above[n] <= done), None)
            if ready is None:  # a cycle of constraints: let the least constrained net go first
                ready = min(remaining, key=lambda n: len(above[n] - done))
            remaining.remove(ready)
            done.add(ready)
            track = max((p.track + 1 for p in above[ready] if p.track >= 0), default=0)
            while track < len(rows) and _overlaps(rows[track], ready.lo, ready.hi):
                track += 1
            if track == len(rows):
                rows.append([])
            bisect.insort(rows[track], (ready.lo, ready.hi))
            ready.track = track
        return len(rows)

    # --- routes ---

    def _track_row(self, segment: _Segment, channel_top: list[int], channel: int) -> int | None:
        net = segment.net
        if net is None or net.track < 0:
            return None
        return channel_top[channel] + self.first_track_row[channel] + net.track

    def _forward_route(self, chain: list[int], channel_top: list[int]) -> tuple[Point, ...]:
        first = chain[0]
        points = [(self._center(first), self.y[first] + self.height[first])]
        for a, b in _pairs(chain):
            xa, xb = self._center(a), self._center(b)
            row = self._track_row(self.hop_segments[(a, b)], channel_top, self.layer_of[b])
            if row is not None:
                points.append((xa, row))
                points.append((xb, row))
            points.append((xb, self.y[b] - 1))
            if b != chain[-1]:
                points.append((xb, self.y[b] + self.height[b]))
        return corners(points)

    def _back_route(self, li: int, margin: int, channel_top: list[int]) -> tuple[Point, ...]:
        source, target = self.ends[li]
        leave, arrive = self.loops[li]
        out_row = self._track_row(leave, channel_top, self.layer_of[source] + 1)
        in_row = self._track_row(arrive, channel_top, self.layer_of[target])
        assert out_row is not None and in_row is not None
        xs, xt = self._center(source), self._center(target)
        points = [
            (xs, self.y[source] + self.height[source]),
            (xs, out_row),
            (margin, out_row),
            (margin, in_row),
            (xt, in_row),
            (xt, self.y[target] - 1),
        ]
        return corners(points)


def _overlaps(row: list[tuple[int, int]], lo: int, hi: int) -> bool:
    """Whether the span lo..hi overlaps or touches one of a row's sorted, separate spans."""
    after = bisect.bisect_right(row, (hi + 1, 1 << 30))
    return after > 0 and row[after - 1][1] + 1 >= lo


def _weighted_median(values: list[tuple[int, int]]) -> int:
    """The median of (value, weight) pairs; between the two middle values on an even split."""
    values.sort()
    total = sum(weight for _value, weight in values)
    seen = 0
    for i, (value, weight) in enumerate(values):
        seen += weight
        if seen * 2 > total:
            return value
        if seen * 2 == total:
            return (value + values[i + 1][0]) // 2
    return values[-1][0]


def _pairs(chain: list[int]) -> list[tuple[int, int]]:
    return list(zip(chain, chain[1:], strict=False))


def corners(points: list[Point]) -> tuple[Point, ...]:
    """Drop repeated points and points in the middle of a straight run."""
    kept: list[Point] = []
    for point in points:
        if kept and kept[-1] == point:
            continue
        if len(kept) >= 2:
            (x0, y0), (x1, y1) = kept[-2], kept[-1]
            if (x0 == x1 == point[0]) or (y0 == y1 == point[1]):
                kept[-1] = point
                continue
        kept.append(point)
    return tuple(kept)
