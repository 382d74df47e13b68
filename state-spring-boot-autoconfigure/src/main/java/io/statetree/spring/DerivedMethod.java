package io.statetree.spring;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

import io.statetree.core.Derivation;
import io.statetree.core.DeriveData;
import io.statetree.core.InvalidPathException;
import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.StateView;
import io.statetree.core.WriteOptions;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;

/**
 * A {@code @Derived} method, inspected and ready to be registered with a controller (DESIGN §6, §9).
 */
final class DerivedMethod {

	private final BeanMethod method;

	private final StatePath destination;

	private final List<StatePath> sources;

	private final Kind kind;

	private final MethodArgumentConverter.Conversion[] conversions;

	/** The name of the equality bean, or empty. */
	private final String equality;

	private DerivedMethod(BeanMethod method, StatePath destination, List<StatePath> sources, Kind kind,
			MethodArgumentConverter.Conversion[] conversions) {
		this(method, destination, sources, kind, conversions, "");
	}

	private DerivedMethod(BeanMethod method, StatePath destination, List<StatePath> sources, Kind kind,
			MethodArgumentConverter.Conversion[] conversions, String equality) {
		this.equality = equality;
		this.method = method;
		this.destination = destination;
		this.sources = sources;
		this.kind = kind;
		this.conversions = conversions;
	}

	/**
	 * Inspects a {@code @Derived} method.
	 * @param method the method and its bean
	 * @param path the annotation's destination
	 * @param sources the annotation's sources
	 * @param values converts source values to parameter types
	 * @return the prepared derivation
	 * @throws InvalidStateMethodException naming the bean and method when a path or a parameter
	 * is invalid, or the method returns nothing
	 */
	static DerivedMethod create(BeanMethod method, String path, String[] sources, MethodArgumentConverter values) {
		Method declared = method.declared();
		if (declared.getReturnType() == void.class || declared.getReturnType() == Void.class) {
			throw invalid(method, "a @Derived method must return the value to write at " + path);
		}
		StatePath destination = path(method, path);
		List<StatePath> sourcePaths = new ArrayList<>(sources.length);
		for (String source : sources) {
			sourcePaths.add(path(method, source));
		}
		Class<?>[] types = declared.getParameterTypes();
		if (sourcePaths.isEmpty()) {
			if (types.length != 1 || types[0] != StateView.class) {
				throw invalid(method, "a @Derived method without sources must take exactly one StateView parameter, "
						+ "whose reads are its tracked dependencies; or declare sources");
			}
			return new DerivedMethod(method, destination, List.of(), Kind.TRACKED,
					new MethodArgumentConverter.Conversion[0]);
		}
		if (types.length == 1 && types[0] == DeriveData.class) {
			return new DerivedMethod(method, destination, List.copyOf(sourcePaths), Kind.DERIVE_DATA,
					new MethodArgumentConverter.Conversion[0]);
		}
		if (types.length != sourcePaths.size()) {
			throw invalid(method, "it declares " + sourcePaths.size() + " source(s) " + sourcePaths + " but takes "
					+ types.length + " parameter(s); take one parameter per source, in order, or one DeriveData");
		}
		MethodArgumentConverter.Conversion[] conversions = new MethodArgumentConverter.Conversion[types.length];
		for (int i = 0; i < types.length; i++) {
			if (types[i] == DeriveData.class || types[i] == StateView.class) {
				throw invalid(method, "parameter " + (i + 1) + " is a " + types[i].getSimpleName()
						+ ", which must be the only parameter");
			}
			conversions[i] = values.to(declared.getGenericParameterTypes()[i]);
		}
		return new DerivedMethod(method, destination, List.copyOf(sourcePaths), Kind.SOURCES, conversions);
	}

	private static StatePath path(BeanMethod method, String path) {
		try {
			return StatePath.of(path);
		}
		catch (InvalidPathException ex) {
			throw new InvalidStateMethodException(method.beanName(), method.declared(), ex.getMessage(), ex);
		}
	}

	private static InvalidStateMethodException invalid(BeanMethod method, String reason) {
		return new InvalidStateMethodException(method.beanName(), method.declared(), reason);
	}

	/**
	 * Names the bean whose equality decides that a recomputation writes nothing.
	 * @param beanName the name from {@code @Derived(equality = ...)}, empty for none
	 * @return a copy naming it
	 */
	DerivedMethod withEquality(String beanName) {
		return new DerivedMethod(this.method, this.destination, this.sources, this.kind, this.conversions, beanName);
	}

	/**
	 * Registers the derivation; it is computed once now.
	 * @param controller the controller
	 * @param beans where the equality bean is looked up
	 * @return the handle
	 * @throws InvalidStateMethodException naming the bean and method when the equality bean is
	 * missing or not a {@code BiPredicate}; nothing is registered
	 */
	Derivation register(StateController controller, BeanFactory beans) {
		WriteOptions options = options(beans);
		return switch (this.kind) {
			case TRACKED -> controller.deriveTracked(this.destination, (view) -> this.method.invoke(view), options);
			case DERIVE_DATA -> controller.deriveMany(this.destination, this.sources,
					(data) -> this.method.invoke(data), options);
			// one source or several: the values are converted by DeriveData's typed reads
			case SOURCES -> controller.deriveMany(this.destination, this.sources, this::invokeWith, options);
		};
	}

	@SuppressWarnings("unchecked")
	private WriteOptions options(BeanFactory beans) {
		if (this.equality.isEmpty()) {
			return WriteOptions.defaults();
		}
		try {
			return WriteOptions.equality(beans.getBean(this.equality, BiPredicate.class));
		}
		catch (BeansException ex) {
			throw new InvalidStateMethodException(this.method.beanName(), this.method.declared(),
					"its equality bean '" + this.equality + "' is not a BiPredicate<Object, Object> bean of the "
							+ "application: " + ex.getMessage(),
					ex);
		}
	}

	private @Nullable Object invokeWith(DeriveData data) {
		Object[] args = new Object[this.conversions.length];
		for (int i = 0; i < args.length; i++) {
			StatePath source = this.sources.get(i);
			args[i] = this.conversions[i].source(data, source);
		}
		return this.method.invoke(args);
	}

	/**
	 * Returns the bean method.
	 * @return the method
	 */
	BeanMethod method() {
		return this.method;
	}

	/**
	 * Returns the destination.
	 * @return the path written
	 */
	StatePath destination() {
		return this.destination;
	}

	@Override
	public String toString() {
		return this.method.describe();
	}

	private enum Kind {

		SOURCES, DERIVE_DATA, TRACKED

	}

}
