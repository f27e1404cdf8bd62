print("flametop")
