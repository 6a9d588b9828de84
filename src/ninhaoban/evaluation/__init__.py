"""好差评: ratings from every channel, rectification of 差评, appeals, rankings."""
