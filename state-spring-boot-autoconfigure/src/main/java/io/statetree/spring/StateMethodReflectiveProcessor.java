package io.statetree.spring;

import java.lang.reflect.Method;
import java.lang.reflect.Type;

import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.annotation.SimpleReflectiveProcessor;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.core.ResolvableType;

/**
 * The ahead-of-time hints for an {@link OnStateChange @OnStateChange} or {@link Derived @Derived}
 * method (GraalVM native images): the method is invoked reflectively, and its parameter types
 * (values converted with Jackson) and return type (a derived value written to the tree) are bound
 * reflectively. The core's parameter types ({@code StateEvent}, {@code StateView}, ...) and
 * primitives need no binding hints.
 * <p>
 * Used through {@code @Reflective} on the two annotations, which Spring's AOT processing finds on
 * every bean class.
 */
final class StateMethodReflectiveProcessor extends SimpleReflectiveProcessor {

	private final BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();

	@Override
	protected void registerMethodHint(ReflectionHints hints, Method method) {
		super.registerMethodHint(hints, method);
		for (Type parameter : method.getGenericParameterTypes()) {
			bind(hints, parameter);
		}
		bind(hints, method.getGenericReturnType());
	}

	private void bind(ReflectionHints hints, Type type) {
		Class<?> raw = ResolvableType.forType(type).resolve();
		if (raw == null || raw.isPrimitive() || raw == Void.class || raw.getPackageName().startsWith("io.statetree.core")) {
			return;
		}
		this.bindings.registerReflectionHints(hints, type);
	}

}
