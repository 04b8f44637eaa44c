"""How the compiled D and G updates are called: safely from several training threads at once.

One traced update serves every run of a structure, and a server trains
several runs in threads.  At large settings (a batch of ~1,000 designs at the
default width) Grappler's memory optimizer rewrites the graph's wider sums
(``AddN``) into a ``TemporaryVariable`` named after the node
(``AddN_3/tmp_var``).  An eager call runs in the context's one step container
(``__per_step_0``), so two calls at once, of the same update or of any graph
with a node of that name, create the same variable and the second fails with
``AlreadyExistsError``.  The updates are therefore called with that rewrite
off: nothing per call is shared between threads, and no lock is needed.
"""
from __future__ import annotations

import functools
from typing import Callable

from tensorflow.core.protobuf import config_pb2, rewriter_config_pb2
from tensorflow.python.eager import context


def call(update: Callable, *args):
    """``update(*args)`` with Grappler's memory rewrite off (the function is optimized at its first call,
    so every call of an update must come through here)."""
    ctx = context.context()
    before = ctx.function_call_options
    ctx.function_call_options = _options(before.executor_type, before.config_proto_serialized)
    try:
        return update(*args)
    finally:
        ctx.function_call_options = before


@functools.lru_cache(maxsize=8)
def _options(executor_type: str | None, config: bytes) -> context.FunctionCallOptions:
    """The thread's call options with the memory optimizer off (per thread: TensorFlow keeps them so)."""
    proto = config_pb2.ConfigProto.FromString(config)
    proto.graph_options.rewrite_options.memory_optimization = rewriter_config_pb2.RewriterConfig.NO_MEM_OPT
    return context.FunctionCallOptions(executor_type, proto)
