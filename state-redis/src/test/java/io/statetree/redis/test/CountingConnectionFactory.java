package io.statetree.redis.test;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Wraps a connection factory and records every command sent through its connections (by method
 * name, such as {@code evalSha} or {@code xRead}), to count round trips in tests.
 */
public final class CountingConnectionFactory {

	private static final Set<String> NOT_COMMANDS = Set.of("close", "isClosed", "getNativeConnection", "isQueueing",
			"isPipelined", "toString", "hashCode", "equals");

	private final List<String> commands = new CopyOnWriteArrayList<>();

	private final RedisConnectionFactory factory;

	/**
	 * Wraps a factory.
	 * @param delegate the real factory
	 */
	public CountingConnectionFactory(RedisConnectionFactory delegate) {
		this.factory = (RedisConnectionFactory) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { RedisConnectionFactory.class }, (proxy, method, args) -> {
					Object result = invoke(delegate, method, args);
					if (method.getName().equals("getConnection") && result instanceof RedisConnection connection) {
						return wrap(connection, RedisConnection.class);
					}
					return result;
				});
	}

	/**
	 * Returns the counting factory.
	 * @return the factory to hand to the code under test
	 */
	public RedisConnectionFactory factory() {
		return this.factory;
	}

	/**
	 * Returns the commands sent so far, in order.
	 * @return method names
	 */
	public List<String> commands() {
		return List.copyOf(this.commands);
	}

	/**
	 * Forgets the commands recorded so far.
	 */
	public void reset() {
		this.commands.clear();
	}

	private Object wrap(Object target, Class<?> type) {
		InvocationHandler handler = (proxy, method, args) -> {
			Object result = invoke(target, method, args);
			if (method.getName().endsWith("Commands") && method.getReturnType().isInterface() && result != null) {
				return wrap(result, method.getReturnType());
			}
			if (!NOT_COMMANDS.contains(method.getName())) {
				this.commands.add(method.getName());
			}
			return result;
		};
		return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { type }, handler);
	}

	private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

}
