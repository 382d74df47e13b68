package io.statetree.core;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The controller's non-blocking path (DESIGN §15) on a fake non-blocking backend answered by one
 * I/O thread: calls in flight hold no thread each, one commit is in flight at a time and the rest
 * follow in call order, a synchronous write waits for the commit in flight, and failures are the
 * synchronous API's, wrapped.
 */
class NonBlockingAsyncTest {

	private final NonBlockingFakeBackend backend = new NonBlockingFakeBackend();

	private final StateController controller = StateController.create(this.backend);

	private final List<String> heard = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() {
		this.controller.close();
	}

	private void listen() {
		this.controller.subscribe("/**", (e) -> this.heard.add(e.revision() + " " + e.path() + " " + e.newValue()));
	}

	@Test
	void twoThousandCallsInFlightFromOneThreadHoldNoThreadEach() {
		listen();
		// warm up the executor, then count
		this.controller.async().set("/warm", 1).join();
		this.heard.clear();
		int before = ManagementFactory.getThreadMXBean().getThreadCount();
		this.backend.hold();
		List<CompletableFuture<Boolean>> futures = new ArrayList<>();
		for (int i = 0; i < 2_000; i++) {
			futures.add(this.controller.async().set("/n/" + i, i));
		}
		assertThat(futures).noneMatch(CompletableFuture::isDone);
		assertThat(this.backend.asyncCommits.get()).as("one commit in flight at a time").isEqualTo(2);
		assertThat(ManagementFactory.getThreadMXBean().getThreadCount() - before).isLessThan(50);
		this.backend.release();
		CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
		assertThat(futures).allMatch((f) -> f.join());
		assertThat(this.backend.syncCommits.get()).isZero();
		assertThat(this.controller.get("/n/1999", Integer.class)).isEqualTo(1999);
		assertThat(this.heard).hasSize(2_000);
		long revision = this.controller.revision() - 2_000;
		for (int i = 0; i < 2_000; i++) {
			assertThat(this.heard.get(i)).isEqualTo((revision + i + 1) + " /n/" + i + " " + i);
		}
	}

	@Test
	void aSyncWriteWaitsForTheAsyncCommitInFlight() throws Exception {
		listen();
		this.backend.hold();
		CompletableFuture<Boolean> first = this.controller.async().set("/x", 1);
		CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> this.controller.set("/x", 2));
		await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(30)).until(() -> !second.isDone());
		this.backend.release();
		assertThat(first.join()).isTrue();
		assertThat(second.join()).isTrue();
		assertThat(this.controller.get("/x")).isEqualTo(2);
		assertThat(this.heard).containsExactly("1 /x 1", "2 /x 2");
	}

	@Test
	void readsAndTypedReadsUseTheNonBlockingRead() {
		this.controller.set("/a", Map.of("b", 7));
		assertThat(this.controller.async().get("/a/b").join()).isEqualTo(7);
		assertThat(this.controller.async().get("/a/b", String.class).join()).isEqualTo("7");
		assertThat(this.controller.async().get("/").join()).isEqualTo(Map.of("a", Map.of("b", 7)));
		assertThat(this.controller.async().get("/none").join()).isNull();
	}

	@Test
	void concurrentUpdatesThroughBothApisAreExact() {
		List<CompletableFuture<?>> all = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			all.add(CompletableFuture.runAsync(() -> {
				List<CompletableFuture<Integer>> mine = new ArrayList<>();
				for (int i = 0; i < 50; i++) {
					mine.add(this.controller.async().update("/count", Integer.class, (v) -> (v == null) ? 1 : v + 1));
					this.controller.update("/count", Integer.class, (v) -> (v == null) ? 1 : v + 1);
				}
				mine.forEach(CompletableFuture::join);
			}));
		}
		all.forEach(CompletableFuture::join);
		assertThat(this.controller.get("/count", Integer.class)).isEqualTo(400);
		assertThat(this.backend.asyncCommits.get()).isGreaterThanOrEqualTo(200);
	}

	@Test
	void aRefusedWriteFailsWrappedWritesNothingAndLetsLaterWritesThrough() {
		this.controller.set("/leaf", 5);
		long revision = this.controller.revision();
		assertThatThrownBy(() -> this.controller.async().set("/leaf/below", 1).join())
			.isInstanceOf(CompletionException.class)
			.hasCauseInstanceOf(StateWriteException.class);
		assertThatThrownBy(() -> this.controller.async().setAll(Map.of("/ok", 1, "/leaf/x", 2)).join())
			.isInstanceOf(CompletionException.class)
			.hasCauseInstanceOf(StateWriteException.class);
		assertThat(this.controller.revision()).isEqualTo(revision);
		assertThat(this.controller.get("/ok")).isNull();
		assertThat(this.controller.set("/after", 1)).isTrue();
		assertThat(this.controller.async().set("/after", 2).join()).isTrue();
	}

	@Test
	void setAllIsOneNonBlockingCommit() {
		listen();
		assertThat(this.controller.async().setAll(Map.of("/a", 1, "/b", Map.of("c", 2), "/b/c", 2)).join()).isTrue();
		assertThat(this.backend.asyncCommits.get()).isEqualTo(1);
		assertThat(this.heard).containsExactlyInAnyOrder("1 /a 1", "1 /b {\"c\":2}", "1 /b/c 2");
	}

	@Test
	void derivationsTakeTheSynchronousPathOnTheExecutor() {
		this.controller.derive("/double", "/source", Integer.class, (v) -> (v == null) ? null : v * 2);
		int syncBefore = this.backend.syncCommits.get();
		assertThat(this.controller.async().set("/source", 4).join()).isTrue();
		assertThat(this.controller.get("/double")).isEqualTo(8);
		assertThat(this.backend.syncCommits.get()).isGreaterThan(syncBefore);
	}

	@Test
	void aFutureCompletesAfterSynchronousListenersHeardTheCommit() {
		List<String> order = new CopyOnWriteArrayList<>();
		this.controller.subscribe("/x", (e) -> order.add("listener"));
		this.controller.async().set("/x", 1).thenRun(() -> order.add("future")).join();
		assertThat(order).containsExactly("listener", "future");
	}

}
