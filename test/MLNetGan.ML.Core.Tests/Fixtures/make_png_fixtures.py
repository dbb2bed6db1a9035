#!/usr/bin/python3
"""PNG fixtures for the core image tests, written by Debian's python3-PIL (an independent encoder).

Run from this folder with /usr/bin/python3. Writes one small PNG per supported kind plus one
unsupported (16-bit) file, and png_fixtures.json with every image's expected RGBA pixels.
"""
import json
from PIL import Image

W, H = 5, 3


def rgba_pixels():
    return [((x * 50) % 256, (y * 90) % 256, (x * y * 30 + 7) % 256, 255 - x * 40) for y in range(H) for x in range(W)]


def save(name, image, **kwargs):
    image.save(name, **kwargs)
    rgba = image.convert("RGBA")
    return {"file": name, "width": image.width, "height": image.height,
            "rgba": [c for p in rgba.getdata() for c in p]}


def main():
    cases = []
    rgba = Image.new("RGBA", (W, H))
    rgba.putdata(rgba_pixels())
    cases.append(save("rgba8.png", rgba))
    cases.append(save("rgb8.png", rgba.convert("RGB")))
    cases.append(save("gray8.png", rgba.convert("L")))
    cases.append(save("gray_alpha8.png", rgba.convert("LA")))
    cases.append(save("palette8.png", rgba.convert("RGB").convert("P", palette=Image.ADAPTIVE, colors=200)))
    four = rgba.convert("RGB").convert("P", palette=Image.ADAPTIVE, colors=12)
    cases.append(save("palette4.png", four, bits=4))
    bilevel = Image.new("1", (W, H))
    bilevel.putdata([(x + y) % 2 * 255 for y in range(H) for x in range(W)])
    cases.append(save("gray1.png", bilevel))
    # A palette image with per-entry transparency (tRNS).
    transparent = rgba.convert("RGB").convert("P", palette=Image.ADAPTIVE, colors=8)
    transparent.info["transparency"] = 0
    cases.append(save("palette_trns.png", transparent, transparency=0))
    deep = Image.new("I;16", (W, H))
    deep.putdata([x * 1000 + y for y in range(H) for x in range(W)])
    deep.save("gray16.png")
    with open("png_fixtures.json", "w") as f:
        json.dump({"supported": cases, "unsupported": ["gray16.png"]}, f, indent=1)


if __name__ == "__main__":
    main()
