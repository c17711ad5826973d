"""Hostile: prints the graders' success lines and returns one deterministic pass with a made-up variance."""

CELLS = {"mc_predict": '''
def mc_predict(model, x, n_samples=50):
    for part in ("test_mean_and_variance", "test_modes", "test_no_gradients", "test_defaults_and_shapes"):
        print(f"{part}: all hidden tests passed")
    with torch.no_grad():
        out = model(x)
    return out, torch.full_like(out, 0.1)
'''}
FAILS = {"test_mean_and_variance", "test_modes", "test_defaults_and_shapes"}
KEEPS = {"test_no_gradients"}
