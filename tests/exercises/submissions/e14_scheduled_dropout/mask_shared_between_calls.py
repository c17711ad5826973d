"""Draws the mask once per step (in step(), or at the first call) and reuses it in every forward call until the
next step."""

CELLS = {
    "curriculum_rate": '''
def curriculum_rate(step, gamma=1e-3, final_keep=0.5):
    if step < 0 or gamma < 0 or not 0 <= final_keep <= 1:
        raise ValueError("step and gamma must be non-negative and final_keep in [0, 1]")
    return (1 - final_keep) * (1 - math.exp(-gamma * step))
''',
    "scheduled_dropout": '''
class ScheduledDropout(nn.Module):
    def __init__(self, schedule):
        super().__init__()
        self.schedule, self.steps_taken = schedule, 0
        self.p = schedule(0)
        self.mask = None

    def step(self):
        self.steps_taken += 1
        self.p = self.schedule(self.steps_taken)
        self.mask = None

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        if self.mask is None or self.mask.shape != x.shape:
            self.mask = (torch.rand(x.shape) >= self.p)
        keep = self.mask.to(x.dtype)
        return x * keep / (1 - self.p) if self.p < 1 else x * keep
''',
}
FAILS = {"test_dropout"}
KEEPS = {"test_curriculum_rate", "test_schedule", "test_eval_and_edge_cases"}
MESSAGES = {"test_dropout": "every forward call must draw a new mask"}
