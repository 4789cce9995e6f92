# Parameters of NATS-SSS configs on CIFAR-10 (K = 10) by the closed form of
# ../shared/docs/spaces.md §1.3 (equal to naswot's Graph::n_params, see nats_sss_test.cpp),
# as a CSV that `naswot correlate --score-column params` reads.
import sys
K = 10
def cell(a, b): return 2 * (9 * a * b + 2 * b) + 3 * (9 * b * b + 2 * b) + (a != b) * (a * b + 2 * b)
def res(a, b): return (9 * a * b + 2 * b) + (9 * b * b + 2 * b) + a * b
print("index,arch,params")
for line in open(sys.argv[1]):
    i = int(line)
    c = [8 * ((i // 8 ** (4 - k)) % 8 + 1) for k in range(5)]
    p = (29 * c[0] + cell(c[0], c[0]) + res(c[0], c[1]) + cell(c[1], c[2]) + res(c[2], c[3])
         + cell(c[3], c[4]) + 2 * c[4] + K * c[4] + K)
    print(f"{i},{':'.join(map(str, c))},{p}")
