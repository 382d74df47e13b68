package io.statetree.core.break20;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.backend.FileSystemBackend;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A child JVM writes through a controller with derivations over a {@code FileSystemBackend} and is
 * killed with SIGKILL mid-write, several times over the same directory, with fsync on and off.
 * After each kill the directory, read by a bare backend (no derivations registered, so nothing is
 * recomputed), must hold every acknowledged write and at most the one in flight, whole: the
 * derived values agree with their sources (they were written in the same commits), and the
 * children of {@code /items} come in insertion order (DESIGN §7; issue 20 writes {@code .order}
 * files only when the order changes, and a one-file commit's order file may follow its rename).
 */
class FileCrashWithDerivationsTest {

	/** The child: prints {@code ACK <op> <key> <n>} after each call returned. */
	public static final class Worker {

		public static void main(String[] args) {
			Path directory = Path.of(args[0]);
			boolean fsync = Boolean.parseBoolean(args[1]);
			long start = Long.parseLong(args[2]);
			Random random = new Random(start);
			PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
			StateController state = StateController.builder()
				.backend(FileSystemBackend.builder(directory).fsync(fsync).build())
				.build();
			state.derive("/dst", "/src", (v) -> (v == null) ? null : ((Number) v).longValue() * 2);
			state.derive("/sum", "/items", (v) -> {
				long sum = 0;
				if (v instanceof Map<?, ?> items) {
					for (Object item : items.values()) {
						sum += ((Number) item).longValue();
					}
				}
				return sum;
			});
			state.derive("/names", "/items", (v) -> (v instanceof Map<?, ?> items) ? String.join(",",
					items.keySet().stream().map(Object::toString).toList()) : "");
			out.println("READY");
			out.flush();
			for (long n = start;; n++) {
				String key = "k" + random.nextInt(6);
				int op = random.nextInt(6);
				if (op == 4) {
					state.set("/solo/" + key, n);
				}
				else if (op == 5) {
					state.delete("/solo/" + key);
				}
				else if (op == 0) {
					state.set("/src", n);
				}
				else if (op == 1) {
					state.set("/items/" + key, n);
				}
				else if (op == 2) {
					state.delete("/items/" + key);
				}
				else {
					long m = n;
					state.batch(() -> {
						state.set("/src", m);
						state.set("/items/" + key, m);
					});
				}
				out.println("ACK " + op + " " + key + " " + n);
				out.flush();
			}
		}

	}

	@TempDir
	Path dir;

	@ParameterizedTest(name = "fsync={0}")
	@ValueSource(booleans = { false, true })
	void afterEachKillTheAcknowledgedWritesAreThereWithTheirDerivedValuesAndOrder(boolean fsync) throws Exception {
		Random random = new Random(fsync ? 20 : 21);
		Long src = null;
		Map<String, Long> items = new LinkedHashMap<>();
		Map<String, Long> solo = new LinkedHashMap<>();
		for (int round = 1; round <= 5; round++) {
			List<String> lines = runAndKill(this.dir, fsync, round * 1_000_000L, 10 + random.nextInt(120), random);
			// the model after the acknowledged calls, and after one more (the call in flight)
			Long modelSrc = src;
			Map<String, Long> modelItems = new LinkedHashMap<>(items);
			Map<String, Long> modelSolo = new LinkedHashMap<>(solo);
			List<String> acks = lines.stream().filter((l) -> l.startsWith("ACK ")).toList();
			for (String line : acks) {
				String[] p = line.split(" ");
				if (p.length < 4) {
					continue;
				}
				modelSrc = apply(Integer.parseInt(p[1]), p[2], Long.parseLong(p[3]), modelSrc, modelItems, modelSolo);
			}
			String context = "round " + round + " (fsync " + fsync + "), " + acks.size() + " acknowledged, last "
					+ (acks.isEmpty() ? "none" : acks.get(acks.size() - 1));
			try (FileSystemBackend backend = FileSystemBackend.builder(this.dir).fsync(fsync).build()) {
				Object readSrc = backend.read(StatePath.of("/src"));
				Object readItems = backend.read(StatePath.of("/items"));
				Object dst = backend.read(StatePath.of("/dst"));
				Object sum = backend.read(StatePath.of("/sum"));
				Object names = backend.read(StatePath.of("/names"));
				Map<String, Long> onDisk = longs(readItems);
				Map<String, Long> soloOnDisk = longs(backend.read(StatePath.of("/solo")));
				Long diskSrc = (readSrc == null) ? null : ((Number) readSrc).longValue();
				// derived values agree with their sources: written in the same commit
				assertThat((dst == null) ? null : ((Number) dst).longValue()).as(context + ": /dst = 2 * /src")
					.isEqualTo((diskSrc == null) ? null : diskSrc * 2);
				long total = onDisk.values().stream().mapToLong(Long::longValue).sum();
				assertThat((sum == null) ? 0L : ((Number) sum).longValue()).as(context + ": /sum of " + onDisk).isEqualTo(total);
				assertThat((names == null) ? "" : names).as(context + ": /names is the order of /items as the commit saw it")
					.isEqualTo(String.join(",", onDisk.keySet()));
				// every acknowledged call is there, and at most the one in flight after it
				boolean asAcked = same(diskSrc, onDisk, modelSrc, modelItems) && same(null, soloOnDisk, null, modelSolo);
				boolean oneMore = false;
				if (!asAcked) {
					for (int op = 0; op < 6 && !oneMore; op++) {
						for (int k = 0; k < 6 && !oneMore; k++) {
							Map<String, Long> next = new LinkedHashMap<>(modelItems);
							Map<String, Long> nextSolo = new LinkedHashMap<>(modelSolo);
							long n = nextN(acks, round);
							Long nextSrc = apply(op, "k" + k, n, modelSrc, next, nextSolo);
							oneMore = same(diskSrc, onDisk, nextSrc, next) && same(null, soloOnDisk, null, nextSolo);
						}
					}
				}
				assertThat(asAcked || oneMore).as(context + ": on disk src=" + diskSrc + " items=" + onDisk
						+ " solo=" + soloOnDisk + ", acknowledged src=" + modelSrc + " items=" + modelItems + " solo="
						+ modelSolo).isTrue();
				src = diskSrc;
				items = onDisk;
				solo = soloOnDisk;
			}
		}
	}

	private static long nextN(List<String> acks, int round) {
		if (acks.isEmpty()) {
			return round * 1_000_000L;
		}
		String[] p = acks.get(acks.size() - 1).split(" ");
		return Long.parseLong(p[3]) + 1;
	}

	private static boolean same(@Nullable Long src, Map<String, Long> items, @Nullable Long modelSrc,
			Map<String, Long> modelItems) {
		return java.util.Objects.equals(src, modelSrc)
				&& new ArrayList<>(items.entrySet()).equals(new ArrayList<>(modelItems.entrySet()));
	}

	private static Map<String, Long> longs(@Nullable Object value) {
		Map<String, Long> out = new LinkedHashMap<>();
		if (value instanceof Map<?, ?> map) {
			map.forEach((k, v) -> out.put((String) k, ((Number) v).longValue()));
		}
		return out;
	}

	private static @Nullable Long apply(int op, String key, long n, @Nullable Long src, Map<String, Long> items,
			Map<String, Long> solo) {
		if (op == 4) {
			solo.put(key, n);
			return src;
		}
		if (op == 5) {
			solo.remove(key);
			return src;
		}
		if (op == 0) {
			return n;
		}
		if (op == 1) {
			items.put(key, n);
			return src;
		}
		if (op == 2) {
			items.remove(key);
			return src;
		}
		items.put(key, n);
		return n;
	}

	private static List<String> runAndKill(Path directory, boolean fsync, long start, int target, Random random)
			throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		ProcessBuilder builder = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
				System.getProperty("java.class.path"), Worker.class.getName(), directory.toString(),
				Boolean.toString(fsync), Long.toString(start));
		builder.redirectError(ProcessBuilder.Redirect.DISCARD);
		Process process = builder.start();
		List<String> lines = new CopyOnWriteArrayList<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = in.readLine()) != null) {
					lines.add(line);
				}
			}
			catch (IOException ex) {
				// killed
			}
		});
		reader.start();
		try {
			Awaitility.await().atMost(Duration.ofSeconds(180)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
				.until(() -> lines.size() >= target || !process.isAlive());
			assertThat(process.isAlive()).as("worker alive: " + lines).isTrue();
			Awaitility.await().pollDelay(Duration.ofMillis(random.nextInt(15))).until(() -> true);
		}
		finally {
			process.toHandle().destroyForcibly();
			process.waitFor(30, TimeUnit.SECONDS);
			reader.join(30_000);
		}
		return new ArrayList<>(lines);
	}

}
