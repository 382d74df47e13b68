package io.statetree.autoconfigure;

import java.util.stream.Collectors;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Where a Redis connection factory connects, for messages: scheme, host, port and database, never
 * a user name or password.
 */
final class RedisAddress {

	private RedisAddress() {
	}

	/**
	 * Describes a connection factory's address.
	 * @param factory the factory
	 * @return e.g. {@code redis://localhost:6379/0}, {@code rediss://cache.example:6380/2}, the
	 * nodes of a cluster or of the sentinels, or the factory's class when it is not Lettuce
	 */
	static String of(RedisConnectionFactory factory) {
		if (!(factory instanceof LettuceConnectionFactory lettuce)) {
			return "the " + factory.getClass().getSimpleName();
		}
		String scheme = lettuce.isUseSsl() ? "rediss://" : "redis://";
		RedisClusterConfiguration cluster = lettuce.getClusterConfiguration();
		if (cluster != null) {
			return "cluster " + cluster.getClusterNodes()
				.stream()
				.map((node) -> scheme + node.getHost() + ":" + node.getPort())
				.collect(Collectors.joining(", ", "[", "]"));
		}
		RedisSentinelConfiguration sentinel = lettuce.getSentinelConfiguration();
		if (sentinel != null) {
			return "master '" + sentinel.getMaster().getName() + "' of sentinels " + sentinel.getSentinels()
				.stream()
				.map((node) -> node.getHost() + ":" + node.getPort())
				.collect(Collectors.joining(", ", "[", "]"));
		}
		return scheme + lettuce.getHostName() + ":" + lettuce.getPort() + "/" + lettuce.getDatabase();
	}

}
