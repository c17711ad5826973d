"""Returns the keep probability of the curriculum instead of the drop rate."""

CELLS = {
    "curriculum_rate": '''
def curriculum_rate(step, gamma=1e-3, final_keep=0.5):
    if step < 0 or gamma < 0 or not 0 <= final_keep <= 1:
        raise ValueError("step and gamma must be non-negative and final_keep in [0, 1]")
    return final_keep + (1 - final_keep) * math.exp(-gamma * step)
''',
    "scheduled_dropout": '''
class ScheduledDropout(nn.Module):
    def __init__(self, schedule):
        super().__init__()
        self.schedule, self.steps_taken = schedule, 0
        self.p = schedule(0)

    def step(self):
        self.steps_taken += 1
        self.p = self.schedule(self.steps_taken)

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        if self.p == 1:
            return torch.zeros_like(x)
        return x * (torch.rand(x.shape) >= self.p).to(x.dtype) / (1 - self.p)
''',
}
FAILS = {"test_curriculum_rate"}
KEEPS = {"test_schedule", "test_dropout", "test_eval_and_edge_cases"}
