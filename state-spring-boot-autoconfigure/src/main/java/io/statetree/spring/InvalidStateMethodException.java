package io.statetree.spring;

import java.lang.reflect.Method;

import io.statetree.core.StateException;
import org.jspecify.annotations.Nullable;

/**
 * An {@link OnStateChange @OnStateChange} or {@link Derived @Derived} method cannot be registered:
 * its parameters cannot be bound, its patterns or condition are invalid, or the controller refused
 * it. The message names the bean, the method and the reason.
 */
public class InvalidStateMethodException extends StateException {

	private static final long serialVersionUID = 1L;

	private final String beanName;

	private final String methodDescription;

	private final String reason;

	/**
	 * Creates the exception.
	 * @param beanName the bean declaring the method
	 * @param method the method
	 * @param reason why it cannot be registered
	 */
	public InvalidStateMethodException(String beanName, Method method, String reason) {
		this(beanName, method, reason, null);
	}

	/**
	 * Creates the exception with a cause.
	 * @param beanName the bean declaring the method
	 * @param method the method
	 * @param reason why it cannot be registered
	 * @param cause the underlying failure, or {@code null}
	 */
	public InvalidStateMethodException(String beanName, Method method, String reason, @Nullable Throwable cause) {
		super(message(beanName, method, reason), cause);
		this.beanName = beanName;
		this.methodDescription = Methods.describe(method);
		this.reason = reason;
	}

	private static String message(String beanName, Method method, String reason) {
		return "Cannot register method " + Methods.describe(method) + " of bean '" + beanName + "': " + reason;
	}

	/**
	 * Returns the name of the bean declaring the method.
	 * @return the bean name
	 */
	public String getBeanName() {
		return this.beanName;
	}

	/**
	 * Returns the method, as {@code com.example.Users.changed(String, User)}.
	 * @return the method's description
	 */
	public String getMethodDescription() {
		return this.methodDescription;
	}

	/**
	 * Returns why the method cannot be registered.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

}
