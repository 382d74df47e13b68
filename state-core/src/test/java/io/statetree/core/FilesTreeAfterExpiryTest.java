package io.statetree.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Break issue 14 on the files backend (and the kinds built on files) after its directory index:
 * entries with lifetimes among permanent ones, in nested branches, some expiring, some ephemeral;
 * reads of the parents ({@code get}, {@code childNames}, {@code exists}, {@code snapshot}) agree
 * with the leaves at the due time, after the expiry commits, after a delete of the subtree and
 * after closing and reopening (ephemeral entries gone, permanent ones back, nothing resurrected,
 * no empty branch left where every child expired).
 */
class FilesTreeAfterExpiryTest {

	@TempDir
	Path dir;

	private StateBackend backend(String kind) {
		FileSystemBackend files = FileSystemBackend.builder(this.dir.resolve("state")).fsync(false).build();
		return switch (kind) {
			case "files" -> files;
			case "caching" -> new CachingBackend(files, CachePolicy.defaults());
			case "behind" -> new CachingBackend(files, CachePolicy.builder()
				.flushOnWrite(false)
				.flushOnDelete(false)
				.flushInterval(Duration.ofMillis(100))
				.build());
			case "hybrid" -> new HybridBackend(new InMemoryBackend()).mount("/d", files);
			default -> throw new IllegalArgumentException(kind);
		};
	}

	private static final Duration SHORT = Duration.ofMillis(1_000);

	@ParameterizedTest
	@ValueSource(strings = { "files", "caching", "behind", "hybrid" })
	void parentsAgreeWithTheirLeavesAtTheDueTimeAfterTheExpiriesAndAfterReopening(String kind) {
		StateController c = StateController.builder().backend(backend(kind)).build();
		try {
			c.set("/d/a", "a", WriteOptions.ttl(SHORT));
			c.set("/d/b", "b");
			c.set("/d/c", "c", WriteOptions.ephemeral());
			c.set("/d/e/x", "x", WriteOptions.ttl(SHORT));
			c.set("/d/e/y", "y");
			c.set("/d/g/only", "o", WriteOptions.ttl(SHORT));
			c.set("/d/h", Map.of("p", Map.of("q", 1)), WriteOptions.ttl(SHORT));
			c.set("/d/h/p/r", 2);
			c.set("/d/k/deep/er", "z", WriteOptions.ttl(Duration.ofHours(1)));
			c.set("/d/k/deep/other", "w");
			assertThat(c.childNames("/d")).containsExactlyInAnyOrder("a", "b", "c", "e", "g", "h", "k");
			assertThat(c.get("/d/h")).isEqualTo(Map.of("p", Map.of("q", 1, "r", 2)));
			await().atMost(Duration.ofSeconds(30))
				.until(() -> c.get("/d/a") == null && c.get("/d/e/x") == null && c.get("/d/g/only") == null
						&& c.get("/d/h") == null);
			// at the due time, before or after the expiry commits
			// a branch whose last child went stays as an empty branch, as in memory
			Map<String, Object> expected = Map.of("b", "b", "c", "c", "e", Map.of("y", "y"), "g", Map.of(), "k",
					Map.of("deep", Map.of("er", "z", "other", "w")));
			assertThat(c.get("/d")).isEqualTo(expected);
			assertThat(c.childNames("/d")).containsExactlyInAnyOrder("b", "c", "e", "g", "k");
			assertThat(c.childNames("/d/e")).containsExactly("y");
			assertThat(c.childNames("/d/g")).isEmpty();
			assertThat(c.exists("/d/h/p")).isFalse();
			assertThat(c.snapshot("/d").value()).isEqualTo(expected);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> c.history(0, 100).stream().filter(Commit::expiry).count() == 4);
			assertThat(c.get("/d")).isEqualTo(expected);
			assertThat(c.childNames("/d")).containsExactlyInAnyOrder("b", "c", "e", "g", "k");
			// a write where an expired branch was starts afresh
			c.set("/d/h/p/s", 3);
			assertThat(c.get("/d/h")).isEqualTo(Map.of("p", Map.of("s", 3)));
			assertThat(c.timeToLive("/d/h/p/s")).isNull();
			// deleting a subtree with a lifetime below drops it
			c.delete("/d/k");
			assertThat(c.timeToLive("/d/k/deep/er")).isNull();
			c.set("/d/k/deep/er", "again");
			assertThat(c.timeToLive("/d/k/deep/er")).isNull();
		}
		finally {
			c.close();
		}
		StateController again = StateController.builder().backend(backend(kind)).build();
		try {
			Map<String, Object> expected = Map.of("b", "b", "e", Map.of("y", "y"), "g", Map.of(), "h",
					Map.of("p", Map.of("s", 3)), "k", Map.of("deep", Map.of("er", "again")));
			assertThat(again.get("/d")).as("after reopening").isEqualTo(expected);
			assertThat(again.childNames("/d")).containsExactlyInAnyOrder("b", "e", "g", "h", "k");
			assertThat(again.exists("/d/c")).isFalse();
			assertThat(again.timeToLive("/d/k/deep/er")).isNull();
			await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> true);
			assertThat(again.get("/d")).as("after reopening and waiting").isEqualTo(expected);
			assertThat(again.childNames("/d")).containsExactlyInAnyOrder("b", "e", "g", "h", "k");
		}
		finally {
			again.close();
		}
	}

	/**
	 * What a branch reads once its last child is deleted, or has expired, is what it reads in
	 * memory: every backend keeps one tree model.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "files", "caching", "behind", "hybrid" })
	void aBranchWhoseLastChildWentReadsAsInMemory(String kind) {
		StateController memory = StateController.create();
		StateController c = StateController.builder().backend(backend(kind)).build();
		try {
			for (StateController s : List.of(memory, c)) {
				s.set("/d/del/only", 1);
				s.delete("/d/del/only");
				s.set("/d/exp/only", 1, WriteOptions.ttl(Duration.ofMillis(50)));
				s.set("/d/keep", 1);
			}
			await().atMost(Duration.ofSeconds(30))
				.until(() -> memory.history(0, 100).stream().anyMatch(Commit::expiry)
						&& c.history(0, 100).stream().anyMatch(Commit::expiry));
			assertThat(c.get("/d")).as("%s against memory", kind).isEqualTo(memory.get("/d"));
			assertThat(c.childNames("/d")).as("%s against memory", kind).isEqualTo(memory.childNames("/d"));
		}
		finally {
			c.close();
			memory.close();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "files", "caching", "behind", "hybrid" })
	void entriesThatFallDueWhileClosedAreGoneAtTheNextOpenWithTheirBranches(String kind) {
		StateController c = StateController.builder().backend(backend(kind)).build();
		c.set("/d/a", "a", WriteOptions.ttl(Duration.ofMillis(300)));
		c.set("/d/g/only", "o", WriteOptions.ttl(Duration.ofMillis(300)));
		c.set("/d/e/x", "x", WriteOptions.ttl(Duration.ofMillis(300)));
		c.set("/d/e/y", "y");
		c.close();
		await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> true);
		StateController again = StateController.builder().backend(backend(kind)).build();
		try {
			assertThat(again.get("/d")).isEqualTo(Map.of("e", Map.of("y", "y"), "g", Map.of()));
			assertThat(again.childNames("/d")).containsExactlyInAnyOrder("e", "g");
			if (!kind.equals("hybrid")) {
				await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(again.history(0, 100))
					.filteredOn(Commit::expiry)
					.flatExtracting(Commit::changes)
					.extracting(ch -> ch.path().toString())
					.containsExactlyInAnyOrder("/d/a", "/d/g/only", "/d/e/x"));
			}
			List<String> names = again.childNames("/d");
			assertThat(names).containsExactlyInAnyOrder("e", "g");
		}
		finally {
			again.close();
		}
	}

}
