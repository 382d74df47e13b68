package io.statetree.core;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * DESIGN §3: "every API method that takes a path takes a {@code String} and has a
 * {@code StatePath} overload". Checked by reflection over every public interface of
 * {@code io.statetree.core} that an application calls (not the callbacks it implements): each
 * method taking a path as a {@code String} (or a {@code List<String>} of paths) has an overload
 * taking {@code StatePath} (or {@code List<StatePath>}) in the same positions and vice versa; the
 * {@code String} one is a default method, and it hands the parsed path and every other argument,
 * unchanged, to the {@code StatePath} one and returns its answer.
 */
class PathOverloadRulesTest {

	/** Interfaces an application implements: they receive paths, they do not take them. */
	private static final Set<Class<?>> CALLBACKS = Set.of(StateListener.class, ControllerObserver.class);

	/** Names of {@code String} parameters that hold paths. */
	private static final Set<String> PATH_NAMES = Set.of("path", "destination", "source", "sources");

	/** Names of {@code String} parameters that do not (patterns are not paths). */
	private static final Set<String> OTHER_NAMES = Set.of("pattern", "id", "group");

	@Test
	void theApiInterfacesAreFoundAndTheirParameterNamesAreCompiledIn() throws Exception {
		assertThat(apiInterfaces()).contains(StateController.class, StateView.class, StateEvent.class,
				DeriveData.class);
		Method set = StateController.class.getMethod("set", String.class, Object.class);
		assertThat(set.getParameters()[0].isNamePresent()).isTrue();
	}

	@Test
	void everyStringPathMethodHasAStatePathOverloadAndIsADefaultMethod() throws Exception {
		List<String> problems = new ArrayList<>();
		int checked = 0;
		for (Class<?> type : apiInterfaces()) {
			for (Method method : type.getMethods()) {
				if (Modifier.isStatic(method.getModifiers()) || !takesStringPath(method)) {
					continue;
				}
				checked++;
				Method overload = counterpart(type, method, true);
				if (overload == null) {
					problems.add(describe(type, method) + " has no StatePath overload");
				}
				else if (!method.isDefault() || overload.isDefault()) {
					problems.add(describe(type, method) + " should be a default method calling the abstract "
							+ describe(type, overload));
				}
			}
		}
		assertThat(problems).isEmpty();
		assertThat(checked).as("String path methods checked").isGreaterThanOrEqualTo(25);
	}

	@Test
	void everyStatePathMethodHasAStringOverload() throws Exception {
		List<String> problems = new ArrayList<>();
		int checked = 0;
		for (Class<?> type : apiInterfaces()) {
			for (Method method : type.getMethods()) {
				if (Modifier.isStatic(method.getModifiers()) || !takesStatePath(method)) {
					continue;
				}
				checked++;
				if (counterpart(type, method, false) == null) {
					problems.add(describe(type, method) + " has no String overload");
				}
			}
		}
		assertThat(problems).isEmpty();
		assertThat(checked).as("StatePath methods checked").isGreaterThanOrEqualTo(25);
	}

	@Test
	void everyStringParameterIsKnownToBeAPathOrNot() throws Exception {
		List<String> unknown = new ArrayList<>();
		for (Class<?> type : apiInterfaces()) {
			for (Method method : type.getMethods()) {
				for (Parameter parameter : method.getParameters()) {
					boolean strings = parameter.getType() == String.class || isListOf(parameter.getParameterizedType(), String.class);
					if (strings && !PATH_NAMES.contains(parameter.getName()) && !OTHER_NAMES.contains(parameter.getName())) {
						unknown.add(describe(type, method) + " parameter " + parameter.getName());
					}
				}
			}
		}
		assertThat(unknown).as("String parameters to classify as a path or not").isEmpty();
	}

	@Test
	void everyStringOverloadHandsTheParsedPathAndTheOtherArgumentsToTheStatePathOne() throws Throwable {
		int checked = 0;
		for (Class<?> type : apiInterfaces()) {
			for (Method method : type.getMethods()) {
				if (Modifier.isStatic(method.getModifiers()) || !method.isDefault() || !takesStringPath(method)) {
					continue;
				}
				Method overload = counterpart(type, method, true);
				assertThat(overload).as(describe(type, method)).isNotNull();
				List<Object[]> calls = new ArrayList<>();
				Object answer = sample(method.getReturnType());
				Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type },
						(self, called, args) -> {
							if (called.isDefault()) {
								return InvocationHandler.invokeDefault(self, called, args);
							}
							calls.add(new Object[] { called, args });
							return answer;
						});
				Object[] args = new Object[method.getParameterCount()];
				Object[] expected = new Object[args.length];
				Parameter[] parameters = method.getParameters();
				for (int i = 0; i < args.length; i++) {
					if (parameters[i].getType() == String.class && PATH_NAMES.contains(parameters[i].getName())) {
						args[i] = "users/" + i + "/";
						expected[i] = StatePath.of("/users/" + i);
					}
					else if (isListOf(parameters[i].getParameterizedType(), String.class)) {
						args[i] = List.of("a", "/b/c/");
						expected[i] = List.of(StatePath.of("/a"), StatePath.of("/b/c"));
					}
					else {
						args[i] = sample(parameters[i].getType());
						expected[i] = args[i];
					}
				}
				Object result = method.invoke(proxy, args);
				assertThat(calls).as(describe(type, method)).hasSize(1);
				assertThat((Method) calls.get(0)[0]).as(describe(type, method)).isEqualTo(overload);
				Object[] passed = (Object[]) calls.get(0)[1];
				for (int i = 0; i < args.length; i++) {
					if (expected[i] instanceof StatePath || expected[i] instanceof List) {
						assertThat(passed[i]).as(describe(type, method) + " argument " + i).isEqualTo(expected[i]);
					}
					else {
						assertThat(passed[i]).as(describe(type, method) + " argument " + i).isSameAs(expected[i]);
					}
				}
				if (method.getReturnType() != void.class) {
					assertThat(result).as(describe(type, method) + " answer").isEqualTo(answer);
				}
				checked++;
			}
		}
		assertThat(checked).as("String overloads called").isGreaterThanOrEqualTo(25);
	}

	@Test
	void anInvalidStringPathIsRefusedBeforeTheStatePathMethodRuns() {
		List<Object> calls = new ArrayList<>();
		StateView view = (StateView) Proxy.newProxyInstance(StateView.class.getClassLoader(),
				new Class<?>[] { StateView.class }, (self, called, args) -> {
					if (called.isDefault()) {
						return InvocationHandler.invokeDefault(self, called, args);
					}
					calls.add(called);
					return null;
				});
		assertThatExceptionOfType(InvalidPathException.class).isThrownBy(() -> view.get("/users//name"));
		assertThat(calls).isEmpty();
	}

	private static boolean takesStringPath(Method method) {
		for (Parameter parameter : method.getParameters()) {
			if (PATH_NAMES.contains(parameter.getName()) && (parameter.getType() == String.class
					|| isListOf(parameter.getParameterizedType(), String.class))) {
				return true;
			}
		}
		return false;
	}

	private static boolean takesStatePath(Method method) {
		for (Parameter parameter : method.getParameters()) {
			if (parameter.getType() == StatePath.class || isListOf(parameter.getParameterizedType(), StatePath.class)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The overload with every path parameter swapped: {@code String} to {@code StatePath} when
	 * {@code toStatePath}, else back; the other parameters (generics included) the same.
	 */
	private static Method counterpart(Class<?> type, Method method, boolean toStatePath) {
		Parameter[] parameters = method.getParameters();
		List<String> wanted = new ArrayList<>();
		for (Parameter parameter : parameters) {
			String name = parameter.getParameterizedType().getTypeName();
			if (!toStatePath) {
				name = name.replace(StatePath.class.getName(), String.class.getName());
			}
			else if (PATH_NAMES.contains(parameter.getName())) {
				name = name.replace(String.class.getName(), StatePath.class.getName());
			}
			wanted.add(name);
		}
		for (Method candidate : type.getMethods()) {
			if (!candidate.getName().equals(method.getName()) || candidate.equals(method)
					|| candidate.getParameterCount() != parameters.length) {
				continue;
			}
			List<String> names = Arrays.stream(candidate.getGenericParameterTypes()).map(Type::getTypeName).toList();
			if (names.equals(wanted)) {
				return candidate;
			}
		}
		return null;
	}

	private static boolean isListOf(Type type, Class<?> element) {
		return type instanceof ParameterizedType parameterized && parameterized.getRawType() == List.class
				&& parameterized.getActualTypeArguments()[0] == element;
	}

	/** A distinct value of a type, to tell it apart when it is passed on or returned. */
	private static Object sample(Class<?> type) {
		if (type == void.class) {
			return null;
		}
		if (type == boolean.class) {
			return true;
		}
		if (type == long.class) {
			return 7L;
		}
		if (type == Versioned.class) {
			return new Versioned<>("sample", 3);
		}
		if (type == java.util.concurrent.CompletableFuture.class) {
			return java.util.concurrent.CompletableFuture.completedFuture("sample");
		}
		if (type == StateSnapshot.class) {
			return new StateSnapshot(StatePath.of("/sample"), 3, "sample");
		}
		if (type == Class.class) {
			return Integer.class;
		}
		if (type == TypeRef.class) {
			return new TypeRef<List<Integer>>() {
			};
		}
		if (type == WriteOptions.class) {
			return WriteOptions.payload("p");
		}
		if (type == java.time.Duration.class) {
			return java.time.Duration.ofSeconds(7);
		}
		if (type == List.class) {
			return new ArrayList<>(List.of("sample"));
		}
		if (type.isInterface()) {
			return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (self, called, args) -> {
				if (called.getName().equals("equals")) {
					return self == args[0];
				}
				if (called.getName().equals("hashCode")) {
					return System.identityHashCode(self);
				}
				return null;
			});
		}
		return new Object();
	}

	private static String describe(Class<?> type, Method method) {
		return type.getSimpleName() + "." + method.getName()
				+ Arrays.stream(method.getGenericParameterTypes()).map(Type::getTypeName).toList();
	}

	/** The public interfaces of io.statetree.core (nested ones included), minus the callbacks. */
	private static List<Class<?>> apiInterfaces() throws IOException, URISyntaxException, ClassNotFoundException {
		Path classes = Path.of(StateController.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		Path dir = classes.resolve("io/statetree/core");
		List<Class<?>> found = new ArrayList<>();
		try (Stream<Path> files = Files.list(dir)) {
			for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
				String name = file.getFileName().toString();
				if (!name.endsWith(".class") || name.equals("package-info.class")) {
					continue;
				}
				Class<?> type = Class.forName("io.statetree.core." + name.substring(0, name.length() - 6), false,
						StateController.class.getClassLoader());
				if (type.isInterface() && !type.isAnnotation() && Modifier.isPublic(type.getModifiers())
						&& !CALLBACKS.contains(type)) {
					found.add(type);
				}
			}
		}
		return found;
	}

}
