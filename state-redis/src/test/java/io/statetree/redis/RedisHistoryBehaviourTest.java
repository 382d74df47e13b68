package io.statetree.redis;

import java.nio.file.Path;

import io.statetree.core.AbstractHistoryBehaviourTest;
import io.statetree.core.StateController;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.RedisConnection;

/**
 * The history suite on {@link RedisBackend}, each controller in a fresh namespace: the history is
 * the namespace's change stream. The stream is trimmed with {@code MAXLEN ~}, which drops whole
 * stream nodes only; for the retention test the server's nodes hold one entry each while this
 * class runs, so the feed retention is exact.
 */
@ExtendWith(RedisTestServer.class)
class RedisHistoryBehaviourTest extends AbstractHistoryBehaviourTest {

	private static final RedisTestFixture REDIS = new RedisTestFixture("history");

	private static final String NODE_ENTRIES = "stream-node-max-entries";

	private static @Nullable String nodeEntries;

	@BeforeAll
	static void connect() {
		REDIS.connect();
		try (RedisConnection connection = REDIS.factory().getConnection()) {
			nodeEntries = connection.serverCommands().getConfig(NODE_ENTRIES).getProperty(NODE_ENTRIES);
			connection.serverCommands().setConfig(NODE_ENTRIES, "1");
		}
	}

	@AfterAll
	static void disconnect() {
		if (nodeEntries != null) {
			try (RedisConnection connection = REDIS.factory().getConnection()) {
				connection.serverCommands().setConfig(NODE_ENTRIES, nodeEntries);
			}
		}
		REDIS.disconnect();
	}

	@Override
	protected StateBackend newBackend(Path scratch) {
		return backend(RedisBackend.DEFAULT_FEED_RETENTION);
	}

	private static RedisBackend backend(long retention) {
		if (!REDIS.connected()) {
			// a jqwik property: started outside JUnit's lifecycle, so @BeforeAll has not run
			connect();
		}
		return RedisBackend.builder(REDIS.factory())
			.namespace(REDIS.newNamespace())
			.feedRetention(retention)
			.build();
	}

	/** The history is the change stream: its retention is the backend's feed retention. */
	@Override
	protected StateController controllerRetaining(int commits, StateController.Dispatch dispatch) {
		return opened(StateController.builder().backend(backend(commits)).dispatch(dispatch).build());
	}

	@Override
	protected double concurrencyScale() {
		return 0.2;
	}

}
