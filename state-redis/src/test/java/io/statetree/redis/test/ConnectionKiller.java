package io.statetree.redis.test;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.KillArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Kills every normal client connection of the test server but its own ({@code CLIENT KILL TYPE
 * normal}, which skips the caller) at a fixed rate, from its own connection and thread, until
 * closed: the writers', the feeds' and the readers' connections drop in the middle of whatever
 * they do.
 */
public final class ConnectionKiller implements AutoCloseable {

	private final LettuceConnectionFactory factory;

	private final ScheduledExecutorService timer;

	private final AtomicLong rounds = new AtomicLong();

	private final AtomicLong killed = new AtomicLong();

	private ConnectionKiller(LettuceConnectionFactory factory, Duration every) {
		this.factory = factory;
		this.timer = Executors.newSingleThreadScheduledExecutor((r) -> {
			Thread thread = new Thread(r, "connection-killer");
			thread.setDaemon(true);
			return thread;
		});
		this.timer.scheduleAtFixedRate(this::killOnce, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Starts killing.
	 * @param factory a factory of its own (its connection is the one spared)
	 * @param every the period
	 * @return the killer; close it to stop
	 */
	public static ConnectionKiller start(LettuceConnectionFactory factory, Duration every) {
		return new ConnectionKiller(factory, every);
	}

	private void killOnce() {
		try (RedisConnection connection = this.factory.getConnection()) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = ((LettuceConnection) connection).getNativeConnection();
			Long count = commands.clientKill(KillArgs.Builder.typeNormal()).get(10, TimeUnit.SECONDS);
			this.rounds.incrementAndGet();
			this.killed.addAndGet(count);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			// the server is busy or restarting: the next round kills
		}
	}

	/** How many rounds ran. */
	public long rounds() {
		return this.rounds.get();
	}

	/** How many connections were killed in all. */
	public long killed() {
		return this.killed.get();
	}

	@Override
	public void close() {
		this.timer.shutdownNow();
		try {
			this.timer.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
