package io.statetree.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.lettuce.core.RedisCommandExecutionException;
import io.statetree.core.StateStorageException;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Runs scripts with {@code EVALSHA}, falling back to {@code EVAL} when the server does not know
 * the script ({@code NOSCRIPT}), and turns Redis failures into {@link StateStorageException}s
 * that name the connection (DESIGN §8).
 */
final class RedisCalls {

	private RedisCalls() {
	}

	/**
	 * Describes a connection factory for messages: its address for Lettuce (the configured nodes
	 * of a Redis Cluster), its class otherwise.
	 * @param factory the factory
	 * @return e.g. {@code redis://localhost:6379/0} or {@code redis-cluster://10.0.0.1:7000,10.0.0.2:7000}
	 */
	static String describe(RedisConnectionFactory factory) {
		if (factory instanceof LettuceConnectionFactory lettuce) {
			if (lettuce.getClusterConfiguration() != null) {
				StringBuilder nodes = new StringBuilder("redis-cluster://");
				for (org.springframework.data.redis.connection.RedisNode node : lettuce.getClusterConfiguration()
					.getClusterNodes()) {
					nodes.append((nodes.length() > "redis-cluster://".length()) ? "," : "").append(node.asString());
				}
				return nodes.toString();
			}
			return "redis://" + lettuce.getHostName() + ":" + lettuce.getPort() + "/" + lettuce.getDatabase();
		}
		return factory.getClass().getSimpleName();
	}

	/**
	 * The client's command timeout: how long a command waits for its reply, including while the
	 * connection is down and being re-established ({@code spring.data.redis.timeout} in Spring
	 * Boot). Known for Lettuce only.
	 * @param factory the factory
	 * @param otherwise what to return when it is not known
	 * @return the timeout, at least 1 ms
	 */
	static Duration commandTimeout(RedisConnectionFactory factory, Duration otherwise) {
		if (factory instanceof LettuceConnectionFactory lettuce) {
			Duration timeout = lettuce.getClientConfiguration().getCommandTimeout();
			if (timeout != null && !timeout.isNegative() && !timeout.isZero()) {
				return timeout;
			}
		}
		return otherwise;
	}

	/**
	 * Runs a script returning a list.
	 * @param factory where the connection comes from
	 * @param connectionName the connection, for messages
	 * @param script the script
	 * @param keys the keys
	 * @param args the arguments
	 * @return the script's reply
	 */
	static List<Object> script(RedisConnectionFactory factory, String connectionName, Scripts script,
			byte[][] keys, byte[]... args) {
		return run(factory, connectionName, script, ReturnType.MULTI, keys, args);
	}

	/**
	 * Runs a script returning one bulk string.
	 * @param factory where the connection comes from
	 * @param connectionName the connection, for messages
	 * @param script the script
	 * @param keys the keys
	 * @param args the arguments
	 * @return the script's reply
	 */
	static byte[] scriptValue(RedisConnectionFactory factory, String connectionName, Scripts script,
			byte[][] keys, byte[]... args) {
		return run(factory, connectionName, script, ReturnType.VALUE, keys, args);
	}

	/**
	 * Runs a script returning an integer.
	 * @param factory where the connection comes from
	 * @param connectionName the connection, for messages
	 * @param script the script
	 * @param keys the keys
	 * @param args the arguments
	 * @return the script's reply
	 */
	static long scriptLong(RedisConnectionFactory factory, String connectionName, Scripts script, byte[][] keys,
			byte[]... args) {
		Long reply = run(factory, connectionName, script, ReturnType.INTEGER, keys, args);
		return reply;
	}

	private static <T> T run(RedisConnectionFactory factory, String connectionName, Scripts script, ReturnType type,
			byte[][] keys, byte[]... args) {
		byte[][] keysAndArgs = new byte[keys.length + args.length][];
		System.arraycopy(keys, 0, keysAndArgs, 0, keys.length);
		System.arraycopy(args, 0, keysAndArgs, keys.length, args.length);
		// A script is sent before its reply is awaited: on an interrupted thread Lettuce would give
		// up waiting for the reply of a script that ran (a commit reported failed although it was
		// made). The interrupt is set aside for the call and restored after it.
		boolean interrupted = Thread.interrupted();
		try (RedisConnection connection = factory.getConnection()) {
			try {
				return connection.scriptingCommands().evalSha(script.sha1(), type, keys.length, keysAndArgs);
			}
			catch (DataAccessException ex) {
				if (!isNoScript(ex)) {
					throw ex;
				}
				return connection.scriptingCommands().eval(script.bytes(), type, keys.length, keysAndArgs);
			}
		}
		catch (DataAccessException ex) {
			throw new StateStorageException("Redis at " + connectionName + " failed: " + message(ex), ex);
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Checks that Redis answers and loads every script ({@code SCRIPT LOAD}).
	 * @param factory where the connection comes from
	 * @param connectionName the connection, for messages
	 * @param namespace the namespace, for messages
	 * @throws StateStorageException naming the connection when Redis cannot be reached
	 */
	static void loadScripts(RedisConnectionFactory factory, String connectionName, String namespace) {
		try (RedisConnection connection = factory.getConnection()) {
			connection.ping();
			Scripts.loadAll(connection);
		}
		catch (DataAccessException ex) {
			throw new StateStorageException("Cannot reach Redis at " + connectionName + " for StateTree namespace '"
					+ namespace + "': " + message(ex), ex);
		}
	}

	/**
	 * Reads the namespace's revision.
	 * @param factory where the connection comes from
	 * @param connectionName the connection, for messages
	 * @param keys the namespace's keys
	 * @return the revision, 0 before the first commit
	 * @throws StateStorageException naming the connection when Redis fails
	 */
	static long revision(RedisConnectionFactory factory, String connectionName, Keys keys) {
		try (RedisConnection connection = factory.getConnection()) {
			byte[] value = connection.stringCommands().get(keys.revision());
			return (value != null) ? Long.parseLong(new String(value, StandardCharsets.UTF_8)) : 0;
		}
		catch (DataAccessException ex) {
			throw new StateStorageException("Redis at " + connectionName + " failed: " + message(ex), ex);
		}
	}

	/**
	 * Sends {@code PING}.
	 * @param factory where the connection comes from
	 * @param connectionName the connection, for messages
	 * @throws StateStorageException naming the connection when Redis does not answer {@code PONG}
	 */
	static void ping(RedisConnectionFactory factory, String connectionName) {
		try (RedisConnection connection = factory.getConnection()) {
			String pong = connection.ping();
			if (!"PONG".equalsIgnoreCase(pong)) {
				throw new StateStorageException("Redis at " + connectionName + " answered PING with " + pong);
			}
		}
		catch (DataAccessException ex) {
			throw new StateStorageException("Redis at " + connectionName + " is not reachable: " + message(ex), ex);
		}
	}

	/**
	 * The most specific message of a failure.
	 * @param ex the failure
	 * @return its message
	 */
	static String message(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		String message = cause.getMessage();
		return (message != null) ? message : cause.toString();
	}

	/**
	 * Tells whether a failure is the server's error reply to the command (the server read the
	 * command and refused it, or the script stopped with an error before writing), as opposed to a
	 * connection that dropped or a reply that did not come in time, after which the command may
	 * have run or not.
	 * @param ex the failure
	 * @return {@code true} for an error reply
	 */
	static boolean isErrorReply(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof RedisCommandExecutionException) {
				return true;
			}
			if (t.getCause() == t) {
				break;
			}
		}
		return false;
	}

	static boolean isNoScript(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			String message = t.getMessage();
			if (message != null && message.contains("NOSCRIPT")) {
				return true;
			}
			if (t.getCause() == t) {
				break;
			}
		}
		return false;
	}

	/**
	 * Reads a reply element as text.
	 * @param element a bulk string ({@code byte[]}), a number or a string
	 * @return its text
	 */
	static String string(Object element) {
		if (element instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		return String.valueOf(element);
	}

}
