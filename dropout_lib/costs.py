"""Measuring what a layer costs: the bytes autograd keeps for backward, and time measured side by side.

On a shared machine an absolute time says little; a ratio of two things timed in alternation, in one run, says
much more, because a change of the machine's speed hits both alike. Time is the CPU time of the calling thread, so
that the time the operating system gives to other processes does not count: run PyTorch on one thread
(``torch.set_num_threads(1)``), or the work of its other threads is missed. The chapter "What dropout costs" and the
benchmark command (``benchmarks/run.py``) use these two functions.
"""

import statistics
import time

from torch.autograd.graph import saved_tensors_hooks


def saved_bytes(fn, *args, exclude=()):
    """Bytes of the tensors that autograd keeps from the forward of ``fn(*args)`` to its backward.

    A storage saved twice (a ReLU's output that the next ``nn.Linear`` saves as well) counts once; the storages of
    ``exclude`` (a model's parameters, which exist anyway) do not count.

    Example::

        >>> x = torch.randn(100, 10, requires_grad=True)
        >>> saved_bytes(lambda t: torch.relu(t) * 2, x)    # relu keeps its float32 output: 4 bytes an element
        4000
        >>> saved_bytes(lambda t: torch.nn.functional.dropout(t, 0.5), x)    # PyTorch's CPU dropout keeps its noise
        4000
    """
    ignored = {t.untyped_storage().data_ptr() for t in exclude}
    storages = {}

    def pack(t):
        storage = t.untyped_storage()
        if storage.data_ptr() not in ignored:
            storages[storage.data_ptr()] = storage.nbytes()
        return t

    with saved_tensors_hooks(pack, lambda t: t):
        fn(*args)
    return sum(storages.values())


def side_by_side(fns, rounds=5, calls=1):
    """Time the functions of ``fns`` (a dict: name -> function of no argument) in turn, ``rounds`` times, in CPU
    seconds of the calling thread.

    Returns, for each name, ``median_s`` (the median over rounds of the time per call) and ``ratio``,
    ``ratio_low``, ``ratio_high`` (the median, smallest and largest over rounds of its time over the first
    function's in the same round: the spread says how noisy the machine was). Each function runs once first,
    untimed.

    Example::

        >>> timed = side_by_side({"sum": lambda: sum(range(100)), "sorted": lambda: sorted(range(100))}, rounds=3)
        >>> timed["sum"]["ratio"], sorted(timed["sorted"])
        (1.0, ['median_s', 'ratio', 'ratio_high', 'ratio_low'])
    """
    for fn in fns.values():
        fn()  # warm-up: allocator, caches, lazy initialisation
    times = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.thread_time()
            for _ in range(calls):
                fn()
            times[name].append((time.thread_time() - start) / calls)
    base = times[next(iter(fns))]
    result = {}
    for name, t in times.items():
        ratios = [a / b for a, b in zip(t, base)]
        result[name] = {"median_s": statistics.median(t), "ratio": statistics.median(ratios),
                        "ratio_low": min(ratios), "ratio_high": max(ratios)}
    return result
