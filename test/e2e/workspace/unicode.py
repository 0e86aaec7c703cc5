def greet(name):
    return "Café ŋ " + name  # naïve 😀
