"""您好办 (ninhaoban): one platform for a city's government services at four levels."""
