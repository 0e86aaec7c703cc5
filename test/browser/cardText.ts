/** The text the model card's pictures and the bundled-model browser test inspect. */

/** Brackets, quotes, indented lines, and a passage that repeats (for induction heads). */
export const CARD_TEXT = `def area(shape):
    if shape.kind == "circle":
        return math.pi * (shape.r ** 2)
    return shape.width * shape.height


def area(shape):
    if shape.kind == "circle":
        return math.pi * (shape.r ** 2)
`;
