// placeholder until the benchmark is written
print("bench")
