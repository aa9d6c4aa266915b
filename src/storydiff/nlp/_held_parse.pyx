# cython: language_level=3, boundscheck=False, wraparound=False
# distutils: language = c++
"""spaCy's greedy transition parse (parser and ner), with the GIL held through the loop.

spaCy 3.8's wheels are compiled with Cython's tracing hooks for nogil code, so every
call inside the parse loop (each action's `is_valid`, each `StateC.B_`) takes and gives
back the GIL: spaCy releases it around the loop, and the hooks take it again, a mutex
lock and unlock per call. That is about 40% of ner's time. Running the same loop with
the GIL already held makes each hook a counter increment. The loop hands the GIL over
every few steps, so that a thread waiting for it (the embedder's) is not held up longer
than that.

Built against the pinned spaCy (its .pxd files); `held_parse.py` falls back to spaCy's own
parse when this module is missing or was built against another spaCy.
"""

from libcpp.vector cimport vector
from spacy.ml.parser_model cimport (
    ActivationsC,
    SizesC,
    WeightsC,
    alloc_activations,
    free_activations,
    get_c_sizes,
    get_c_weights,
    predict_states,
)
from spacy.pipeline._parser_internals._state cimport StateC
from spacy.pipeline._parser_internals.stateclass cimport StateClass
from spacy.pipeline.transition_parser cimport Parser
from thinc.backends.cblas cimport CBlas

cdef enum:
    STEPS_BETWEEN_HANDOVERS = 8  # a C constant: the loop tests it at every step


cdef void _hand_over() noexcept nogil:
    pass


cdef void _parse_held(Parser parser, CBlas cblas, StateC** states, WeightsC weights, SizesC sizes):
    """Parser._parseC, holding the GIL, letting it go every STEPS_BETWEEN_HANDOVERS steps."""
    cdef int i
    cdef int step = 0
    cdef vector[StateC*] unfinished
    cdef ActivationsC activations = alloc_activations(sizes)
    while sizes.states >= 1:
        predict_states(cblas, &activations, states, &weights, sizes)
        parser.c_transition_batch(states, activations.scores, sizes.classes, sizes.states)
        for i in range(sizes.states):
            if not states[i].is_final():
                unfinished.push_back(states[i])
        for i in range(unfinished.size()):
            states[i] = unfinished[i]
        sizes.states = unfinished.size()
        unfinished.clear()
        step += 1
        if step % STEPS_BETWEEN_HANDOVERS == 0:
            with nogil:
                _hand_over()
    free_activations(&activations)


def greedy_parse(Parser parser, docs):
    """What `parser.greedy_parse(docs)` returns (the parse states), computed as above."""
    from thinc.api import set_dropout_rate

    cdef vector[StateC*] states
    cdef StateClass state
    cdef CBlas cblas = parser.model.ops.cblas()
    cdef WeightsC weights
    cdef SizesC sizes
    parser._ensure_labels_are_added(docs)
    set_dropout_rate(parser.model, 0.0)
    batch = parser.moves.init_batch(docs)
    model = parser.model.predict(docs)
    weights = get_c_weights(model)
    for state in batch:
        if not state.is_final():
            states.push_back(state.c)
    sizes = get_c_sizes(model, states.size())
    if states.size():
        _parse_held(parser, cblas, &states[0], weights, sizes)
    model.clear_memory()
    del model
    return batch
