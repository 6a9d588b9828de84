"""双随机一公开 with a verifiable draw, and tender complaints ([Public resources])."""
