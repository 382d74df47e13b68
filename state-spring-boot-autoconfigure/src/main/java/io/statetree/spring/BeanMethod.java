package io.statetree.spring;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;

import org.jspecify.annotations.Nullable;
import org.springframework.util.ReflectionUtils;

/**
 * A method to invoke on a bean as the container exposes it (possibly a proxy): the target of an
 * {@code @OnStateChange} or {@code @Derived} method (DESIGN §9).
 *
 * @param beanName the bean's name
 * @param bean the bean, as exposed by the container
 * @param declared the annotated method, as declared on the bean's target class
 * @param invocable the method to invoke on {@code bean} (the proxy's where there is one)
 */
record BeanMethod(String beanName, Object bean, Method declared, Method invocable) {

	/**
	 * Invokes the method. What the method throws propagates unchanged; a checked exception is
	 * wrapped in an {@link UndeclaredThrowableException}.
	 * @param args the arguments
	 * @return the return value
	 */
	@Nullable Object invoke(@Nullable Object... args) {
		ReflectionUtils.makeAccessible(this.invocable);
		try {
			return this.invocable.invoke(this.bean, args);
		}
		catch (InvocationTargetException ex) {
			Throwable target = ex.getTargetException();
			if (target instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (target instanceof Error error) {
				throw error;
			}
			throw new UndeclaredThrowableException(target, "Method " + describe() + " threw " + target);
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException("Cannot invoke " + describe(), ex);
		}
	}

	/**
	 * Describes the method for logs and the actuator.
	 * @return e.g. {@code bean 'users' method com.example.Users.changed(String, User)}
	 */
	String describe() {
		return "bean '" + this.beanName + "' method " + Methods.describe(this.declared);
	}

}
