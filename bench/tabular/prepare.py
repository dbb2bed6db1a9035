"""Writes the tabular benchmark's tables as CSV files into the folder given (default bench/results/tabular-data).

- cars.csv: Debian's python3-vega-datasets cars (406 cars; Origin is the label; missing numbers kept empty).
- seattle-weather.csv: the same package's Seattle weather (1,461 days; weather is the label; the date is dropped).
- known.csv: a generated table with known structure: mixed types, income following age, a city that depends on
  part-time work, and a rare category (plan "platinum") at 1 %; label PartTime.
"""
import csv, json, os, random, sys

out = sys.argv[1] if len(sys.argv) > 1 else "bench/results/tabular-data"
os.makedirs(out, exist_ok=True)
vega = "/usr/lib/python3/dist-packages/vega_datasets/_data"

with open(f"{vega}/cars.json") as f:
    cars = json.load(f)
columns = ["Miles_per_Gallon", "Cylinders", "Displacement", "Horsepower", "Weight_in_lbs", "Acceleration", "Origin"]
with open(f"{out}/cars.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(columns)
    for car in cars:
        w.writerow(["" if car[c] is None else car[c] for c in columns])

with open(f"{vega}/seattle-weather.csv") as f, open(f"{out}/seattle-weather.csv", "w", newline="") as g:
    r = csv.DictReader(f)
    w = csv.writer(g)
    w.writerow(["precipitation", "temp_max", "temp_min", "wind", "weather"])
    for row in r:
        w.writerow([row["precipitation"], row["temp_max"], row["temp_min"], row["wind"], row["weather"]])

rng = random.Random(7)
with open(f"{out}/known.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["Age", "Income", "Children", "City", "Plan", "PartTime"])
    for i in range(5000):
        age = rng.randint(20, 64)
        part_time = rng.random() < 0.3
        income = 1000 * age + rng.gauss(0, 4000) - (15000 if part_time else 0)
        city = ("Oslo" if rng.random() < 0.8 else "Bergen") if part_time else ("Oslo" if rng.random() < 0.3 else rng.choice(["Bergen", "Trondheim"]))
        plan = "platinum" if rng.random() < 0.01 else ("gold" if income > 45000 else "basic")
        w.writerow([age, round(income, 2), rng.randint(0, 3), city, plan, "true" if part_time else "false"])
print(out)
