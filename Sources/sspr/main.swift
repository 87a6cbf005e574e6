print("sspr")
