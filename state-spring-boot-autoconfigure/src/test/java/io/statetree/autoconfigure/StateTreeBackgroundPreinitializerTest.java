package io.statetree.autoconfigure;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.preinitialize.BackgroundPreinitializer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests {@link StateTreeBackgroundPreinitializer}: run in a class loader of its own (a fresh copy of
 * the class path, as in a new JVM), it loads the classes the main thread would otherwise load when
 * it creates the backend and the controller, and it leaves no thread behind.
 */
class StateTreeBackgroundPreinitializerTest {

	/** Classes the auto-configuration's backend and controller need at every start. */
	private static final List<String> START_UP_CLASSES = List.of("io.statetree.core.internal.DefaultStateController",
			"io.statetree.core.internal.ControllerParts", "io.statetree.core.internal.CommitTemplate",
			"io.statetree.core.internal.Dispatcher", "io.statetree.core.internal.EventRouter",
			"io.statetree.core.internal.Mailbox", "io.statetree.core.backend.InMemoryBackend",
			"io.statetree.autoconfigure.StateTreeProperties", "io.statetree.autoconfigure.StateBackends",
			"io.statetree.spring.StateMethodFinder");

	@Test
	void loadsTheStartUpClassesAndLeavesNoThread() throws Exception {
		try (Isolated loader = new Isolated()) {
			Class<?> type = Class.forName(StateTreeBackgroundPreinitializer.class.getName(), true, loader);
			assertThat(type.getClassLoader()).isSameAs(loader);
			for (String name : START_UP_CLASSES) {
				assertThat(loader.loaded(name)).as(name).isFalse();
			}
			Set<Thread> before = Thread.getAllStackTraces().keySet();
			var constructor = type.getDeclaredConstructor();
			constructor.setAccessible(true);
			Object preinitializer = constructor.newInstance();
			// called as Boot calls it, through the interface (the class itself is package-private)
			Method preinitialize = loader.loadClass(BackgroundPreinitializer.class.getName()).getMethod("preinitialize");
			preinitialize.invoke(preinitializer);
			for (String name : START_UP_CLASSES) {
				assertThat(loader.loaded(name)).as(name).isTrue();
			}
			List<Thread> left = new ArrayList<>(Thread.getAllStackTraces().keySet());
			left.removeAll(before);
			assertThat(left).filteredOn(Thread::isAlive).extracting(Thread::getName)
				.noneMatch((name) -> name.startsWith("statetree"));
			// a second run (another context in the same JVM) works the same
			preinitialize.invoke(preinitializer);
		}
	}

	/** A class loader over the test's class path that shares nothing but the JDK with this test. */
	private static final class Isolated extends URLClassLoader {

		Isolated() throws Exception {
			super(classPath(), ClassLoader.getPlatformClassLoader());
		}

		boolean loaded(String name) {
			return findLoadedClass(name) != null;
		}

		private static URL[] classPath() throws Exception {
			List<URL> urls = new ArrayList<>();
			for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
				urls.add(new File(entry).toURI().toURL());
			}
			return urls.toArray(new URL[0]);
		}

	}

}
