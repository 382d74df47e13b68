package io.statetree.spring;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.aop.framework.AopInfrastructureBean;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.stereotype.Component;

/**
 * Finds the {@link OnStateChange @OnStateChange} and {@link Derived @Derived} methods of a bean
 * class, cheaply for the many classes that have none: every bean of the context passes through
 * {@link StateTreeAnnotationBeanPostProcessor}, and start-up time is spent on each.
 * <p>
 * A class is not searched at all when it cannot carry the annotations: a JDK class (Spring's
 * {@link AnnotationUtils#isCandidateClass} rule), a class of the Spring container itself (a class
 * under {@code org.springframework.} that is not a {@code @Component}, the rule Spring's own
 * {@code @EventListener} processing follows), a class of a library that does not know StateTree
 * ({@link #LIBRARY_PACKAGES}), or AOP infrastructure. The decision is made on the bean's own class,
 * so an application class that extends a library class is searched. Every other class is searched
 * once, in one pass over its methods (including inherited and interface methods) for both
 * annotations; a class without annotated methods is remembered and not searched again.
 * <p>
 * Thread-safe: the remembered classes are a concurrent set.
 */
final class StateMethodFinder {

	private static final List<Class<? extends Annotation>> ANNOTATIONS = List.of(OnStateChange.class, Derived.class);

	/** Packages of libraries whose classes are beans in many applications and never StateTree's. */
	static final List<String> LIBRARY_PACKAGES = List.of("tools.jackson.", "com.fasterxml.jackson.", "io.micrometer.",
			"io.lettuce.", "io.netty.", "reactor.", "ch.qos.logback.", "org.slf4j.", "org.apache.logging.",
			"org.hibernate.", "com.zaxxer.hikari.", "org.h2.");

	private final Set<Class<?>> withoutMethods = ConcurrentHashMap.newKeySet();

	/**
	 * A bean class's annotated methods, each map ordered by method name, then parameter types: the
	 * JVM reports a class's methods in no fixed order (it may differ from one start to the next),
	 * and the registration order decides which listener runs first at one path and in which order
	 * derived values first appear in their parent.
	 * @param listeners the {@code @OnStateChange} methods
	 * @param derived the {@code @Derived} methods
	 */
	record Found(Map<Method, OnStateChange> listeners, Map<Method, Derived> derived) {

		static final Found NONE = new Found(Map.of(), Map.of());

		boolean isEmpty() {
			return this.listeners.isEmpty() && this.derived.isEmpty();
		}

	}

	/** One method's annotations; at least one is present. */
	private record Annotations(@Nullable OnStateChange listener, @Nullable Derived derived) {
	}

	/**
	 * Returns the annotated methods of a bean's target class.
	 * @param targetClass the class (unproxied)
	 * @return its methods, {@link Found#NONE} when it has none
	 */
	Found find(Class<?> targetClass) {
		if (this.withoutMethods.contains(targetClass) || !mayDeclare(targetClass)) {
			return Found.NONE;
		}
		Map<Method, Annotations> annotated = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<Annotations>) StateMethodFinder::annotations);
		if (annotated.isEmpty()) {
			this.withoutMethods.add(targetClass);
			return Found.NONE;
		}
		Map<Method, OnStateChange> listeners = new LinkedHashMap<>();
		Map<Method, Derived> derived = new LinkedHashMap<>();
		annotated.forEach((method, annotations) -> {
			if (annotations.listener() != null) {
				listeners.put(method, annotations.listener());
			}
			if (annotations.derived() != null) {
				derived.put(method, annotations.derived());
			}
		});
		return new Found(inNameOrder(listeners), inNameOrder(derived));
	}

	private static @Nullable Annotations annotations(Method method) {
		OnStateChange listener = AnnotatedElementUtils.findMergedAnnotation(method, OnStateChange.class);
		Derived derived = AnnotatedElementUtils.findMergedAnnotation(method, Derived.class);
		return (listener != null || derived != null) ? new Annotations(listener, derived) : null;
	}

	/**
	 * Whether a class may declare or inherit annotated methods.
	 * @param type the bean's target class
	 * @return false for JDK, Spring container, known library and AOP infrastructure classes
	 */
	static boolean mayDeclare(Class<?> type) {
		if (!AnnotationUtils.isCandidateClass(type, ANNOTATIONS) || AopInfrastructureBean.class.isAssignableFrom(type)) {
			return false;
		}
		String name = type.getName();
		if (name.startsWith("org.springframework.")) {
			return AnnotatedElementUtils.isAnnotated(type, Component.class);
		}
		for (String library : LIBRARY_PACKAGES) {
			if (name.startsWith(library)) {
				return false;
			}
		}
		return true;
	}

	private static <A> Map<Method, A> inNameOrder(Map<Method, A> methods) {
		if (methods.size() < 2) {
			return methods;
		}
		Map<Method, A> ordered = new TreeMap<>(Comparator.comparing(Method::getName)
			.thenComparing((method) -> Arrays.toString(method.getParameterTypes()))
			.thenComparing((method) -> method.getDeclaringClass().getName()));
		ordered.putAll(methods);
		return new LinkedHashMap<>(ordered);
	}

}
