package io.statetree.spring;

import java.lang.reflect.Method;

import org.springframework.util.ClassUtils;

/**
 * Describes methods in messages (start-up failures and logs, DESIGN §9).
 */
final class Methods {

	private Methods() {
	}

	/**
	 * Describes a method as {@code com.example.Users.changed(String, User)}.
	 * @param method the method
	 * @return the description
	 */
	static String describe(Method method) {
		StringBuilder builder = new StringBuilder(ClassUtils.getQualifiedMethodName(method)).append('(');
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			builder.append((i > 0) ? ", " : "").append(types[i].getSimpleName());
		}
		return builder.append(')').toString();
	}

}
