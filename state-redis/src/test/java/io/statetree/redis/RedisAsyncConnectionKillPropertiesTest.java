package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import io.statetree.core.ChangedPath;
import io.statetree.core.Commit;
import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.backend.BackendListener;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.Precondition;
import io.statetree.core.backend.RemoteCommit;
import io.statetree.core.backend.Write;
import io.statetree.redis.test.ConnectionKiller;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Random asynchronous commits, many in flight on one connection, while every client connection
 * is killed at a random rate ({@code CLIENT KILL TYPE normal}): each call's future tells its true
 * outcome and nothing is applied twice. Each call {@code i} writes {@code /calls/i} on the
 * condition that it is absent (applied twice, the second application would be refused, or take a
 * second revision) and one shared key. A call that succeeded is in the tree and the history once,
 * at the revision it reported; a call refused by the server is absent; only a call reported as of
 * unknown outcome may be either. The shared keys end as the applied calls in revision order leave
 * them, and another instance's feed hears every applied call once, in revision order.
 */
class RedisAsyncConnectionKillPropertiesTest {

	private static final int SHARED_KEYS = 4;

	private static final RedisTestFixture REDIS = new RedisTestFixture("async-kill", 3);

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	/** One call: writes {@code value} at shared key {@code key}, {@code extra} more keys below its own path. */
	record Call(int key, int value, int extra) {
	}

	@Provide
	Arbitrary<List<Call>> calls() {
		return Combinators
			.combine(Arbitraries.integers().between(0, SHARED_KEYS - 1), Arbitraries.integers().between(0, 1000),
					Arbitraries.integers().between(0, 2))
			.as(Call::new)
			.list()
			.ofMinSize(20)
			.ofMaxSize(120);
	}

	@Property(tries = 8)
	void everyAsyncCallTellsItsTrueOutcomeAndNoneIsAppliedTwice(@ForAll("calls") List<Call> calls,
			@ForAll @IntRange(min = 20, max = 100) int killEveryMillis) {
		String namespace = REDIS.newNamespace();
		RedisBackend writer = REDIS.backend(0, namespace);
		RedisBackend reader = REDIS.backend(1, namespace);
		Heard heard = new Heard();
		Heard ownHeard = new Heard();
		try {
			reader.setBackendListener(heard);
			writer.setBackendListener(ownHeard);
			List<CompletableFuture<CommitResult>> futures = new ArrayList<>();
			List<Call> sent = new ArrayList<>();
			try (ConnectionKiller killer = ConnectionKiller.start(REDIS.factory(2), Duration.ofMillis(killEveryMillis))) {
				long began = System.nanoTime();
				// the calls, all in flight at once, again and again until connections were killed three times
				do {
					List<CompletableFuture<CommitResult>> wave = new ArrayList<>();
					for (Call call : calls) {
						int id = sent.size();
						sent.add(call);
						wave.add(writer.commitAsync(request(id, call)));
					}
					futures.addAll(wave);
					CompletableFuture.allOf(wave.toArray(new CompletableFuture<?>[0])).exceptionally((ex) -> null).join();
				}
				// and, for up to 10 s, until a kill caught calls in flight (they were sent again)
				while (killer.rounds() < 3 || ((Long) writer.describe().get("writesResent") == 0
						&& System.nanoTime() - began < TimeUnit.SECONDS.toNanos(10)));
			}
			Map<Long, Integer> appliedAt = new TreeMap<>();
			List<Integer> unknown = new ArrayList<>();
			List<Integer> refused = new ArrayList<>();
			for (int id = 0; id < futures.size(); id++) {
				try {
					CommitResult result = futures.get(id).join();
					assertThat(result.revision()).as("revision of call %d", id).isPositive();
					assertThat(appliedAt.put(result.revision(), id)).as("revision reported twice").isNull();
				}
				catch (CompletionException ex) {
					assertThat(ex.getCause()).as("failure of call %d", id).isInstanceOf(StateStorageException.class);
					if (ex.getCause().getMessage().contains("unknown")) {
						unknown.add(id);
					}
					else {
						refused.add(id);
					}
				}
			}
			// the last kill may still hold a connection in its reconnect
			List<Commit> history = await().atMost(Duration.ofSeconds(10))
				.ignoreExceptionsInstanceOf(StateStorageException.class)
				.until(() -> writer.history().after(0, 100_000), (h) -> true);
			Map<Integer, Long> inHistory = new HashMap<>();
			Map<String, Object> model = new HashMap<>();
			for (Commit commit : history) {
				for (ChangedPath change : commit.changes()) {
					String path = change.path().toString();
					if (path.startsWith("/calls/") && change.path().depth() == 2) {
						int id = Integer.parseInt(change.path().name());
						assertThat(inHistory.put(id, commit.revision())).as("call %d applied twice", id).isNull();
					}
					else if (path.startsWith("/shared/")) {
						model.put(path, change.newValue());
					}
				}
			}
			for (Map.Entry<Long, Integer> applied : appliedAt.entrySet()) {
				assertThat(inHistory.get(applied.getValue())).as("revision of call %d", applied.getValue())
					.isEqualTo(applied.getKey());
			}
			for (int id : refused) {
				assertThat(inHistory).as("refused call %d", id).doesNotContainKey(id);
			}
			assertThat(inHistory.size()).as("applied calls")
				.isBetween(appliedAt.size(), appliedAt.size() + unknown.size());
			await().atMost(Duration.ofSeconds(10))
				.ignoreExceptionsInstanceOf(StateStorageException.class)
				.untilAsserted(() -> {
					for (int k = 0; k < SHARED_KEYS; k++) {
						String key = "/shared/" + k;
						assertThat(writer.read(StatePath.of(key))).as(key).isEqualTo(model.get(key));
					}
					assertThat(writer.revision()).isEqualTo(history.get(history.size() - 1).revision());
				});
			await().atMost(Duration.ofSeconds(30)).until(() -> heard.revisions().size() >= history.size());
			assertThat(heard.revisions()).as("revisions heard by the other instance")
				.isEqualTo(history.stream().map(Commit::revision).toList());
			net.jqwik.api.statistics.Statistics.label("calls sent again").collect(
					((Long) writer.describe().get("writesResent") > 0) ? "some" : "none");
			net.jqwik.api.statistics.Statistics.label("calls").collect(
					(futures.size() < 500) ? "under 500" : (futures.size() < 2000) ? "500 to 2000" : "2000 or more");
			net.jqwik.api.statistics.Statistics.label("outcomes").collect(
					"applied " + appliedAt.size() + ", refused " + refused.size() + ", unknown " + unknown.size());
			// the writer's own feed delivers only calls whose caller was told the outcome is unknown
			assertThat(ownHeard.commits).allSatisfy((commit) -> assertThat(unknown).contains(callOf(commit)));
			assertThat(heard.resyncs).as("resyncs of the other instance's feed").hasValue(0);
		}
		finally {
			writer.close();
			reader.close();
		}
	}

	private static int callOf(RemoteCommit commit) {
		return commit.changes().stream()
			.filter((change) -> change.path().depth() == 2 && change.path().toString().startsWith("/calls/"))
			.mapToInt((change) -> Integer.parseInt(change.path().name()))
			.findFirst()
			.orElseThrow();
	}

	private static CommitRequest request(int id, Call call) {
		StatePath own = StatePath.of("/calls/" + id);
		List<Write> writes = new ArrayList<>();
		writes.add(Write.of(own, call.value()));
		writes.add(Write.of(StatePath.of("/shared/" + call.key()), id * 10_000 + call.value()));
		for (int e = 0; e < call.extra(); e++) {
			writes.add(Write.of(StatePath.of("/extra/" + id + "/" + e), List.of(id, e)));
		}
		return new CommitRequest(writes, List.of(new Precondition(own, null)), "writer");
	}

	private static final class Heard implements BackendListener {

		final ConcurrentLinkedQueue<RemoteCommit> commits = new ConcurrentLinkedQueue<>();

		@Override
		public void onRemoteCommit(RemoteCommit commit) {
			this.commits.add(commit);
		}

		final java.util.concurrent.atomic.AtomicInteger resyncs = new java.util.concurrent.atomic.AtomicInteger();

		@Override
		public void onResync() {
			this.resyncs.incrementAndGet();
		}

		List<Long> revisions() {
			return this.commits.stream().map(RemoteCommit::revision).toList();
		}

	}

}
