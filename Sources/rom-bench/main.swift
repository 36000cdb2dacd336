print("rom-bench: placeholder")
