"""JSONata's common subset compiled to Python closures, for speed; the library does the rest.

jsonata-python walks its syntax tree for every evaluation and spends about 2.5 µs on each
node (a dispatch, two callbacks, a frame lookup, a signature check per function call), so
`$merge([$states.input, {'last': {'step': 5}}])` costs ~40 µs. `compile_fast` turns the tree
of such an expression into plain closures once, at load time; evaluating them costs a few
µs.

Correctness never depends on the subset: any node this module does not know (a predicate,
a lambda, a binding, a regex, `..`, a higher-order function ...) leaves the whole
expression to the library (`compile_fast` returns None). At run time the closures raise on
any error (the library's own helpers raise it, or `Bail` for a value they do not handle),
and the caller then evaluates the whole expression with the library, which gives the
result or the error in its own words. So the closures only need to agree with the library
on the values they return, and they do it by following its code: the same representation
(None for undefined, `Utils.NULL_VALUE` for a null the expression produced, `JList`
sequences and their unwrapping), and the library's own functions for the operators,
`$string`'s number printing, deep equality, field lookup and every built-in function
without a hand-written fast case.

A compiled expression has no loops, recursion or bindings: its cost is bounded by its size
and the size of the data it touches, so it cannot run away. The caller still keeps the
budgets: `FastExpression.depth` is the nesting depth the library would reach, so an
expression deeper than the depth limit goes to the library (which reports D1011), and an
evaluation that took longer than the time limit is handed to the library too.
"""

from __future__ import annotations

import operator
from collections import ChainMap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jsonata import Jsonata
from jsonata.functions import Functions
from jsonata.utils import Utils

__all__ = ["Bail", "FastExpression", "Scope", "compile_fast"]

_NULL = Utils.NULL_VALUE
_JList = Utils.JList
_MISSING = object()


class Bail(Exception):
    """The closures decline this evaluation: the library evaluates the expression instead."""


class _Unsupported(Exception):
    """A node outside the subset: the expression is left to the library."""


class Scope:
    """What one evaluation reads: `$states`, the workflow variables and the context `$`.

    The variables are searched scope by scope (`ChainMap.get` would look each name up twice).
    """

    __slots__ = ("states", "variable_scopes", "document")

    def __init__(self, states: Any, variables: Mapping[str, Any] | None, document: Any) -> None:
        self.states = states
        if variables is None:
            self.variable_scopes: tuple[Mapping[str, Any], ...] = ()
        elif type(variables) is ChainMap:
            self.variable_scopes = tuple(variables.maps)
        else:
            self.variable_scopes = (variables,)
        self.document = document


Closure = Callable[[Scope], Any]


@dataclass(frozen=True, slots=True)
class FastExpression:
    """An expression of the subset, compiled."""

    #: The value, in the library's representation; raises `Bail` (or any error) to decline.
    #: The caller first makes sure no variable hides a function in `called`.
    run: Closure
    #: How deeply the library's evaluator would nest for this tree (the root counts 1).
    depth: int
    #: Whether it calls `$now` or `$millis`, which read the evaluation's clock.
    uses_clock: bool
    #: Whether its value is always a container it builds (an object or array constructor,
    #: `$merge([...])`), so never one of the values handed in.
    builds_result: bool
    #: The functions it calls: a workflow variable of one of these names hides the function
    #: (`$merge(...)` then calls the variable), which is left to the library.
    called: tuple[str, ...]

    def hidden(self, scope: Scope) -> bool:
        """Whether a variable hides one of the functions called."""
        return any(name in variables for name in self.called for variables in scope.variable_scopes)


def compile_fast(ast: Any, functions: Any) -> FastExpression | None:
    """Closures for `ast` (a parsed tree of jsonata-python), or None when outside the subset.

    `functions` is the frame the library looks functions up in, after the variables.
    """
    compiler = _Compiler(functions)
    try:
        body, depth = compiler.compile(ast)
    except Exception:  # outside the subset, or a tree shape not foreseen
        return None
    called = tuple(sorted(compiler.called))
    return FastExpression(body, depth, compiler.uses_clock, _builds_result(ast), called)


def _builds_result(node: Any) -> bool:
    if node.type == "unary" and str(node.value) in ("[", "{"):
        return True
    return node.type == "function" and _merges_array(node)


# --- values as the library handles them ---------------------------------------------------


def _settle(sequence: Any) -> Any:
    """A node's result as the library's `_eval` leaves it: a sequence of one is its item."""
    if isinstance(sequence, _JList) and sequence.sequence and not sequence.tuple_stream:
        if not sequence:
            return None
        if len(sequence) == 1:
            return sequence if sequence.keep_singleton else sequence[0]
    return sequence


def _numeric_result(value: Any) -> Any:
    """What the library's native-function call does to a result: 2.0 becomes 2."""
    if Utils.is_numeric(value):
        return Utils.convert_number(value)
    return value


_boolize = Jsonata.boolize
_numeric = Jsonata.evaluate_numeric_expression
_equality = Jsonata.evaluate_equality_expression
_comparison = Jsonata.evaluate_comparison_expression
_concat = Jsonata.evaluate_string_concat
_includes = Jsonata.evaluate_includes_expression


# --- paths: a variable or a name, then names -------------------------------------------


def _step_results(results: list[Any], last: bool) -> Any:
    """The sequence one path step hands on, flattened as the library's `evaluate_step` does."""
    if last and len(results) == 1:
        only = results[0]
        if isinstance(only, list) and not (isinstance(only, _JList) and only.sequence):
            return only  # an array read at the end of a path comes back as it is
    sequence = Utils.create_sequence()
    for result in results:
        if not isinstance(result, list) or (isinstance(result, _JList) and result.cons):
            sequence.append(result)
        else:
            sequence.extend(result)
    return sequence


def _walk(sequence: Any, names: tuple[str, ...], start: int) -> Any:
    """Steps `names[start:]` over `sequence`, by the library's rules (arrays map the rest)."""
    last = len(names) - 1
    for index in range(start, len(names)):
        name = names[index]
        results = []
        for item in sequence:
            found = _settle(Functions.lookup(item, name))
            if found is not None:
                results.append(found)
        sequence = _step_results(results, index == last)
        if not sequence:
            break
    return _settle(sequence)


def _path(first: Closure | None, names: tuple[str, ...]) -> Closure:
    """`first.names...`, or `$states.names...` without `first`."""
    if first is None:
        return lambda scope: _follow(scope.states, names)
    return lambda scope: _follow(first(scope), names)


def _follow(value: Any, names: tuple[str, ...]) -> Any:
    """Fields `names` of `value`: through objects it is a plain lookup; an array on the way
    goes the long way."""
    if value is None:
        return None
    index = -1
    for name in names:
        index += 1
        if type(value) is dict:
            found = value.get(name, _MISSING)
            if found is _MISSING:
                return None
            if found is None:
                value = _NULL
            elif isinstance(found, list):
                if index == len(names) - 1 and not (isinstance(found, _JList) and found.sequence):
                    return found  # an array at the end of the path comes back as it is
                return _walk(Utils.create_sequence(value), names, index)
            else:
                value = found
        elif isinstance(value, list | dict):
            return _walk(_step_results([value], False), names, index)
        else:
            return None  # a field of null, a string, a number or a boolean
    return value


def _read_document(scope: Scope) -> Any:
    return scope.document


_LITERALS = frozenset({"string", "number", "value"})


def _literal_value(node: Any) -> Any:
    """A literal's value as the library evaluates it: `null` is its null, not undefined."""
    return node.value if node.value is not None else _NULL


def _constant(node: Any) -> Any:
    """The value of a constructor of literals (`{'a': [1, null]}`), else `_MISSING`.

    Its items are never undefined and never spliced (a nested array is kept whole), so the
    value is what the library builds, item for item. Nodes arrive checked by `_check_plain`.
    """
    if node.type in _LITERALS:
        return _literal_value(node)
    if node.type != "unary":
        return _MISSING
    if str(node.value) == "[":
        items = [_constant(item) for item in node.expressions]
        return _MISSING if any(item is _MISSING for item in items) else items
    if str(node.value) == "{":
        keys = [key.value for key, _ in node.lhs_object if key.type == "string"]
        if len(keys) < len(node.lhs_object) or len(set(keys)) < len(keys):
            return _MISSING
        values = [_constant(value) for _, value in node.lhs_object]
        if any(value is _MISSING for value in values):
            return _MISSING
        return dict(zip(keys, values, strict=True))
    return _MISSING


def _fresh_copies(template: dict[str, Any] | list[Any]) -> Closure:
    """A closure building a new copy of `template` each time, as the library builds one."""
    if any(isinstance(item, dict | list) for item in _items(template)):
        return lambda scope: _copy(template)
    if isinstance(template, dict):
        return lambda scope: dict(template)
    return lambda scope: list(template)


def _items(container: dict[str, Any] | list[Any]) -> Any:
    return container.values() if isinstance(container, dict) else container


def _copy(template: Any) -> Any:
    """A copy of nested containers: each one new, the leaves shared (they are immutable)."""
    if type(template) is dict:
        result: Any = dict(template)
        for key, item in template.items():
            if type(item) is dict or type(item) is list:
                result[key] = _copy(item)
        return result
    result = list(template)
    for index, item in enumerate(template):
        if type(item) is dict or type(item) is list:
            result[index] = _copy(item)
    return result


# --- the compiler --------------------------------------------------------------------------

#: Node attributes that make the library do more than the node's plain meaning.
_FEATURES = (
    "predicate",
    "stages",
    "group",
    "focus",
    "index",
    "tuple",
    "keep_array",
    "ancestor",
    "seeking_parent",
    "keep_singleton_array",
    "next_function",
    "consarray",
    "thunk",
)
#: Names the evaluation's root frame binds for the library's own use.
_RESERVED = frozenset({"__evaluate_entry", "__evaluate_exit"})
#: Functions that run the library's evaluator themselves: `$eval`, and those that call a
#: function argument (the others take one only as a regex or a replacement, and the subset
#: never produces a function value to pass them).
_NOT_CALLED_DIRECTLY = frozenset(
    {"eval", "each", "filter", "map", "match", "reduce", "sift", "single", "sort"}
)
_CLOCK_FUNCTIONS = frozenset({"now", "millis"})
_ARITHMETIC = frozenset({"+", "-", "*", "/", "%"})
_ORDERING = frozenset({"<", "<=", ">", ">="})


class _Compiler:
    def __init__(self, functions: Any) -> None:
        self.functions = functions
        self.uses_clock = False
        self.called: set[str] = set()

    def compile(self, node: Any) -> tuple[Closure, int]:
        """The closure for `node` and the library's nesting depth for it."""
        _check_plain(node)
        compile_kind = _NODE_COMPILERS.get(node.type)
        if compile_kind is None:
            raise _Unsupported(node.type)
        return compile_kind(self, node)

    def _children(self, nodes: Any) -> tuple[list[Closure], int]:
        compiled = [self.compile(child) for child in nodes]
        return [run for run, _ in compiled], max((depth for _, depth in compiled), default=0)

    # -- leaves --

    def _literal(self, node: Any) -> tuple[Closure, int]:
        value = _literal_value(node)
        return (lambda scope: value), 1

    def _variable(self, node: Any) -> tuple[Closure, int]:
        return self._read_variable(str(node.value)), 1

    def _read_variable(self, name: str) -> Closure:
        if name == "":
            return _read_document
        if name == "states":
            return lambda scope: scope.states
        if name in _RESERVED:
            raise _Unsupported(name)
        is_function = self.functions.lookup(name) is not None

        def variable(scope: Scope) -> Any:
            for variables in scope.variable_scopes:
                value = variables.get(name, _MISSING)
                if value is not _MISSING:
                    if value is None:
                        return _NULL
                    if isinstance(value, _JList):
                        raise Bail
                    return value
            if is_function:
                raise Bail  # a function as a value
            return None

        return variable

    # -- paths --

    def _path(self, node: Any) -> tuple[Closure, int]:
        steps = node.steps
        for step in steps:
            _check_plain(step)
        if any(step.type != "name" for step in steps[1:]):
            raise _Unsupported("path step")
        first = steps[0]
        start: Closure | None
        if first.type == "variable":
            name = str(first.value)
            start = None if name == "states" else self._read_variable(name)
            names = tuple(str(step.value) for step in steps[1:])
        elif first.type == "name":
            start = _read_document
            names = tuple(str(step.value) for step in steps)
        else:
            raise _Unsupported("path start")
        return _path(start, names), 2

    # -- operators --

    def _binary(self, node: Any) -> tuple[Closure, int]:
        (left, right), depth = self._children((node.lhs, node.rhs))
        symbol = str(node.value)
        if symbol == "and":

            def conjunction(scope: Scope) -> Any:
                return _boolize(left(scope)) and _boolize(right(scope))

            return conjunction, depth + 1
        if symbol == "or":

            def disjunction(scope: Scope) -> Any:
                return _boolize(left(scope)) or _boolize(right(scope))

            return disjunction, depth + 1
        if symbol in _ORDERING:
            return _ordering(symbol, left, right), depth + 1
        if symbol in _ARITHMETIC:
            return (lambda scope: _numeric(None, left(scope), right(scope), symbol)), depth + 1
        if symbol in ("=", "!="):
            return (lambda scope: _equality(None, left(scope), right(scope), symbol)), depth + 1
        if symbol == "&":
            return (lambda scope: _concat(None, left(scope), right(scope))), depth + 1
        if symbol == "in":
            return (lambda scope: _includes(None, left(scope), right(scope))), depth + 1
        raise _Unsupported(symbol)

    def _unary(self, node: Any) -> tuple[Closure, int]:
        symbol = str(node.value)
        if symbol == "[":
            return self._array(node)
        if symbol == "{":
            return self._object(node)
        if symbol == "-":
            operand, depth = self.compile(node.expression)

            def negation(scope: Scope) -> Any:
                value = operand(scope)
                if value is None:
                    return None
                if not Utils.is_numeric(value):
                    raise Bail
                return Utils.convert_number(-float(value))

            return negation, depth + 1
        raise _Unsupported(symbol)

    def _array(self, node: Any) -> tuple[Closure, int]:
        items, depth = self._children(node.expressions)
        built = _constant(node)
        if built is not _MISSING:
            return _fresh_copies(built), depth + 1
        # An array constructor inside another is kept whole; any other array is spliced in.
        nested = tuple(str(item.value) == "[" for item in node.expressions)
        parts = tuple(zip(items, nested, strict=True))

        def array(scope: Scope) -> Any:
            # A plain list: the library's is a JList with no flag set, which its code treats
            # the same way everywhere (only a flag makes a JList a sequence, or keeps it whole).
            result = []
            for item, whole in parts:
                value = item(scope)
                if value is not None:
                    if whole or not isinstance(value, list):
                        result.append(value)
                    else:
                        result.extend(value)
            return result

        return array, depth + 1

    def _merge_array(self, node: Any) -> tuple[Closure, int]:
        """`$merge([...])` without the array: each item an object, or an array of objects.

        Anything else in the array (a null, a number, an array in an array) is the library's
        T0412. An array constructor is not spliced into its array but kept whole (so it
        always fails): `_merges_array` leaves that case to the plain call. The depth is the
        array constructor's.
        """
        _check_plain(node)
        items, depth = self._children(node.expressions)
        parts = tuple(items)

        def merge_array(scope: Scope) -> Any:
            merged: dict[str, Any] = {}
            for item in parts:
                value = item(scope)
                if value is None:
                    continue
                if type(value) is dict:
                    merged.update(value)
                elif isinstance(value, list):
                    for element in value:
                        if type(element) is not dict:
                            raise Bail
                        merged.update(element)
                else:
                    raise Bail
            return merged

        return merge_array, depth + 1

    def _object(self, node: Any) -> tuple[Closure, int]:
        pairs = node.lhs_object
        keys, key_depth = self._children(pair[0] for pair in pairs)
        values, value_depth = self._children(pair[1] for pair in pairs)
        depth = max(key_depth, value_depth) + 1
        constant = [pair[0].value for pair in pairs if pair[0].type == "string"]
        if len(constant) == len(pairs):
            if len(set(constant)) < len(constant):
                raise _Unsupported("a key twice")  # the library's D1009
            built = _constant(node)
            if built is not _MISSING:
                return _fresh_copies(built), depth
            fields = tuple(zip(constant, values, strict=True))
            if len(fields) == 1:
                ((only_key, only_value),) = fields

                def one_key(scope: Scope) -> Any:
                    found = only_value(scope)
                    return {} if found is None else {only_key: found}

                return one_key, depth

            def literal_keys(scope: Scope) -> Any:
                result = {}
                for key, value in fields:
                    found = value(scope)
                    if found is not None:
                        result[key] = found
                return result

            return literal_keys, depth

        entries = tuple(zip(keys, values, strict=True))

        def computed_keys(scope: Scope) -> Any:
            # All keys first, then the values of the defined ones, as the library groups them.
            chosen: dict[str, Closure] = {}
            for key, value in entries:
                name = key(scope)
                if name is None:
                    continue
                if type(name) is not str or name in chosen:
                    raise Bail  # T1003 or D1009
                chosen[name] = value
            result = {}
            for name, value in chosen.items():
                found = value(scope)
                if found is not None:
                    result[name] = found
            return result

        return computed_keys, depth

    def _condition(self, node: Any) -> tuple[Closure, int]:
        branches = [node.condition, node.then]
        if node._else is not None:
            branches.append(node._else)
        compiled, depth = self._children(branches)
        test, then = compiled[0], compiled[1]
        otherwise = compiled[2] if len(compiled) > 2 else None

        def condition(scope: Scope) -> Any:
            if _boolize(test(scope)):
                return then(scope)
            return otherwise(scope) if otherwise is not None else None

        return condition, depth + 1

    def _block(self, node: Any) -> tuple[Closure, int]:
        parts, depth = self._children(node.expressions)
        if not parts:
            return (lambda scope: None), 1
        *before, last = parts

        def block(scope: Scope) -> Any:
            for part in before:
                part(scope)
            return last(scope)

        return block, depth + 1

    # -- function calls --

    def _function(self, node: Any) -> tuple[Closure, int]:
        return self._call(node, None, 0)

    def _apply(self, node: Any) -> tuple[Closure, int]:
        """`value ~> $f(args)`: `$f(value, args)`."""
        if node.rhs.type != "function":
            raise _Unsupported("~> without a call")
        _check_plain(node.rhs)
        first, depth = self.compile(node.lhs)
        call, call_depth = self._call(node.rhs, first, depth)
        return call, call_depth

    def _call(self, node: Any, first: Closure | None, first_depth: int) -> tuple[Closure, int]:
        procedure = node.procedure
        if procedure is None or procedure.type != "variable":
            raise _Unsupported("call of a computed function")
        _check_plain(procedure)
        name = str(procedure.value)
        function = self.functions.lookup(name)
        if not isinstance(function, Jsonata.JFunction) or name in _NOT_CALLED_DIRECTLY:
            raise _Unsupported(f"${name}")
        validate = function.validate
        self.called.add(name)
        if name in _CLOCK_FUNCTIONS:
            self.uses_clock = True
        if first is None and _merges_array(node):
            # `$merge([a, b])`, the JSONata way to add fields: merged as the array is built.
            merge, depth = self._merge_array(node.arguments[0])
            return merge, depth + 1
        arguments, depth = self._children(node.arguments or ())
        if first is not None:
            arguments = [first, *arguments]
            depth = max(depth, first_depth)
        fast = _FAST_BUILTINS.get(name)
        call_function = function.call
        evaluate = _arguments(arguments)

        def call(scope: Scope) -> Any:
            values = evaluate(scope)
            if fast is not None:
                result = fast(values)
                if result is not _GENERAL:
                    return result
            document = scope.document
            return _settle(call_function(document, validate(values, document)))

        return call, max(depth, 1) + 1


def _merges_array(node: Any) -> bool:
    """Whether `node` is `$merge([...])`, with no array constructor among the items."""
    arguments = node.arguments
    return (
        node.procedure.type == "variable"
        and node.procedure.value == "merge"
        and arguments is not None
        and len(arguments) == 1
        and arguments[0].type == "unary"
        and str(arguments[0].value) == "["
        and not any(str(item.value) == "[" for item in arguments[0].expressions)
    )


def _check_plain(node: Any) -> None:
    for feature in _FEATURES:
        if getattr(node, feature, None):
            raise _Unsupported(feature)


_NODE_COMPILERS: dict[str, Callable[[_Compiler, Any], tuple[Closure, int]]] = {
    "string": _Compiler._literal,
    "number": _Compiler._literal,
    "value": _Compiler._literal,
    "variable": _Compiler._variable,
    "path": _Compiler._path,
    "binary": _Compiler._binary,
    "unary": _Compiler._unary,
    "condition": _Compiler._condition,
    "block": _Compiler._block,
    "function": _Compiler._function,
    "apply": _Compiler._apply,
}


def _arguments(arguments: list[Closure]) -> Callable[[Scope], list[Any]]:
    """The arguments' values in order, with the common counts spelled out (no loop)."""
    if not arguments:
        return lambda scope: []
    if len(arguments) == 1:
        (only,) = arguments
        return lambda scope: [only(scope)]
    if len(arguments) == 2:
        first, second = arguments
        return lambda scope: [first(scope), second(scope)]
    return lambda scope: [argument(scope) for argument in arguments]


# --- built-ins with a fast case ----------------------------------------------------------
# Each takes the evaluated arguments and answers for the argument shapes it knows, as the
# library's signature check and native call would; for any other shape it returns
# `_GENERAL`, and the call goes through the library's own signature check and function.

_GENERAL = object()
_SCALARS = (str, int, float, bool)


def _merge(values: list[Any]) -> Any:
    if len(values) == 1:
        objects = values[0]
        if type(objects) is dict:
            return dict(objects)
        if objects is None or objects is _NULL:
            return None
        if isinstance(objects, list):
            merged = {}
            for item in objects:
                if type(item) is not dict:
                    return _GENERAL
                merged.update(item)
            return merged
    return _GENERAL


def _count(values: list[Any]) -> Any:
    if len(values) == 1:
        items = values[0]
        if items is None or items is _NULL:
            return 0
        if isinstance(items, list):
            return len(items)
        if type(items) in _SCALARS or type(items) is dict:
            return 1
    return _GENERAL


def _sum(values: list[Any]) -> Any:
    if len(values) == 1:
        numbers = values[0]
        if numbers is None or numbers is _NULL:
            return None
        if type(numbers) is int or type(numbers) is float:
            numbers = [numbers]
        if isinstance(numbers, list) and all(
            type(item) is int or type(item) is float for item in numbers
        ):
            return _numeric_result(sum(numbers))
    return _GENERAL


def _string(values: list[Any]) -> Any:
    if len(values) == 1:
        value = values[0]
        if type(value) is str:
            return value
        return Functions.string(value, None)
    return _GENERAL


def _number(values: list[Any]) -> Any:
    if len(values) == 1:
        value = values[0]
        if value is None or type(value) in _SCALARS:
            return _numeric_result(Functions.number(value))
    return _GENERAL


def _exists(values: list[Any]) -> Any:
    if len(values) == 1:
        return values[0] is not None
    return _GENERAL


def _length(values: list[Any]) -> Any:
    if len(values) == 1:
        text = values[0]
        if text is None:
            return None
        if type(text) is str:
            return len(text)
    return _GENERAL


def _keys(values: list[Any]) -> Any:
    if len(values) == 1:
        return _settle(Functions.keys(values[0]))
    return _GENERAL


def _append(values: list[Any]) -> Any:
    if len(values) == 2:
        return _settle(Functions.append(values[0], values[1]))
    return _GENERAL


def _lookup(values: list[Any]) -> Any:
    if len(values) == 2 and type(values[1]) is str:
        return _settle(_numeric_result(Functions.lookup(values[0], values[1])))
    return _GENERAL


_FAST_BUILTINS: dict[str, Callable[[list[Any]], Any]] = {
    "merge": _merge,
    "count": _count,
    "sum": _sum,
    "string": _string,
    "number": _number,
    "exists": _exists,
    "length": _length,
    "keys": _keys,
    "append": _append,
    "lookup": _lookup,
}


# --- comparisons -------------------------------------------------------------------------


_COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def _ordering(symbol: str, left: Closure, right: Closure) -> Closure:
    """`<`, `<=`, `>`, `>=`: two numbers or two strings compare directly, the rest as the
    library does (a number and an integer as floats, undefined gives undefined, errors)."""
    compare = _COMPARE[symbol]

    def ordering(scope: Scope) -> Any:
        lhs = left(scope)
        rhs = right(scope)
        kind = type(lhs)
        if kind is type(rhs) and (kind is int or kind is float or kind is str):
            return compare(lhs, rhs)
        return _comparison(None, lhs, rhs, symbol)

    return ordering
