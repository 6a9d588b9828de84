"""预约、取号、叫号 and waiting times, beside cases ([Reach])."""
