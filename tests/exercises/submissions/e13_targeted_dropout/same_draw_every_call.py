"""Reseeds the random generator at every call, so that every call drops the same candidates."""

CELLS = {"targeted_dropout": '''
def targeted_dropout(weight, drop_rate=0.5, targeted_fraction=0.5, training=True):
    if not (0 <= drop_rate <= 1 and 0 <= targeted_fraction <= 1):
        raise ValueError("drop_rate and targeted_fraction must be in [0, 1]")
    k = math.floor(targeted_fraction * weight.shape[1])
    smallest = weight.detach().abs().argsort(dim=1)[:, :k]
    candidates = torch.zeros(weight.shape, dtype=torch.bool).scatter(1, smallest, True)
    if training:
        draw = torch.rand(weight.shape, generator=torch.Generator().manual_seed(1234))
        candidates = candidates & (draw < drop_rate)
    return weight * (~candidates).to(weight.dtype)
'''}
FAILS = {"test_training_drops"}
KEEPS = {"test_eval_and_edge_cases", "test_gradient"}
MESSAGES = {"test_training_drops": "every call must draw anew"}
