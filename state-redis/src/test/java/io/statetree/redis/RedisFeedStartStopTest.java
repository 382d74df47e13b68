package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.statetree.core.StatePath;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.RemoteCommit;
import io.statetree.core.backend.Write;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A change feed that starts after its listener is set, stops and starts again: it reads nothing
 * while not started, and a start delivers what was committed meanwhile, once and in order.
 */
@ExtendWith(RedisTestServer.class)
class RedisFeedStartStopTest {

	private LettuceConnectionFactory factory;

	private String namespace;

	private final List<RedisBackend> backends = new ArrayList<>();

	@BeforeEach
	void setUp(RedisTestServer redis) {
		this.factory = redis.newConnectionFactory();
		this.namespace = redis.newNamespace();
	}

	@AfterEach
	void tearDown() {
		this.backends.forEach(RedisBackend::close);
	}

	private RedisBackend backend(boolean startWithListener) {
		RedisBackend backend = RedisBackend.builder(this.factory)
			.namespace(this.namespace)
			.startFeedWithListener(startWithListener)
			.build();
		this.backends.add(backend);
		return backend;
	}

	private static void set(RedisBackend backend, String path, Object value) {
		backend.commit(new CommitRequest(List.of(Write.of(StatePath.of(path), value)), List.of(), "writer"));
	}

	@Test
	void aDeferredFeedReadsNothingUntilStartedThenDeliversWhatWasCommittedSinceTheListenerWasSet() {
		RedisBackend reader = backend(false);
		RedisBackend writer = backend(true);
		set(writer, "/before", 0);
		RedisFeedTest.Recorder recorder = new RedisFeedTest.Recorder();
		reader.setBackendListener(recorder);
		set(writer, "/a", 1);
		set(writer, "/b", 2);
		recorder.assertNoMoreThan(0);
		assertThat(reader.isFeedRunning()).isFalse();
		assertThat(reader.feedLagMillis()).isEqualTo(-1);
		reader.check();
		reader.startFeed();
		recorder.awaitCommits(2);
		recorder.assertNoMoreThan(2);
		assertThat(recorder.commits).extracting(RemoteCommit::revision).containsExactly(2L, 3L);
		assertThat(reader.isFeedRunning()).isTrue();
	}

	@Test
	void aStoppedFeedResumesWhereItStoppedWithoutLossOrDuplicates() {
		RedisBackend reader = backend(true);
		RedisBackend writer = backend(true);
		RedisFeedTest.Recorder recorder = new RedisFeedTest.Recorder();
		reader.setBackendListener(recorder);
		set(writer, "/a", 1);
		recorder.awaitCommits(1);
		assertThat(reader.stopFeed(Duration.ofSeconds(10))).isTrue();
		assertThat(reader.isFeedRunning()).isFalse();
		assertThat(reader.isFeedAlive()).isFalse();
		set(writer, "/b", 2);
		set(writer, "/c", 3);
		recorder.assertNoMoreThan(1);
		reader.check();
		reader.startFeed();
		reader.startFeed();
		recorder.awaitCommits(3);
		recorder.assertNoMoreThan(3);
		assertThat(recorder.commits).extracting(RemoteCommit::revision).containsExactly(1L, 2L, 3L);
		for (int round = 0; round < 3; round++) {
			reader.stopFeed(Duration.ofSeconds(10));
			set(writer, "/round", round);
			reader.startFeed();
		}
		recorder.awaitCommits(6);
		recorder.assertNoMoreThan(6);
		assertThat(recorder.commits).extracting(RemoteCommit::revision).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
		assertThat(recorder.resyncs).hasValue(0);
	}

	@Test
	void aStartBeforeTheListenerIsSetLetsTheFeedReadAsSoonAsItIs() {
		RedisBackend reader = backend(false);
		RedisBackend writer = backend(true);
		reader.startFeed();
		RedisFeedTest.Recorder recorder = new RedisFeedTest.Recorder();
		reader.setBackendListener(recorder);
		assertThat(reader.isFeedRunning()).isTrue();
		set(writer, "/a", 1);
		recorder.awaitCommits(1);
	}

	@Test
	void aClosedBackendCannotStartItsFeed() {
		RedisBackend reader = backend(false);
		reader.close();
		assertThatIllegalStateException().isThrownBy(reader::startFeed).withMessageContaining(this.namespace);
		assertThat(reader.stopFeed(Duration.ofSeconds(1))).isTrue();
	}

}
