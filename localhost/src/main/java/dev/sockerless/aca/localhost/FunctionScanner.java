package dev.sockerless.aca.localhost;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLConnection;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Finds the HTTP functions of a package (and its sub-packages) on the classpath, from directories or jars.
 * Functions the local host cannot serve (non-HTTP triggers, bindings it does not understand such as
 * {@code @DurableClientInput}, a class without a public no-arg constructor) are skipped with a warning.
 */
public final class FunctionScanner {

    private static final Logger LOG = Logger.getLogger(FunctionScanner.class.getName());

    private FunctionScanner() {}

    /** Scans {@code packageName} with the thread's context class loader (or this class's loader). */
    public static List<HttpFunction> scan(String packageName) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return scan(packageName, cl != null ? cl : FunctionScanner.class.getClassLoader());
    }

    /**
     * Scans {@code packageName} with the given loader; results are sorted by function name. Functions the local host
     * cannot serve are skipped; a route template the host would refuse fails the scan ({@link IllegalStateException}).
     */
    public static List<HttpFunction> scan(String packageName, ClassLoader loader) {
        List<HttpFunction> out = new ArrayList<>();
        for (String className : classNames(packageName, loader)) {
            Class<?> type;
            try {
                type = Class.forName(className, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                LOG.log(Level.WARNING, "cannot load " + className + ": " + e);
                continue;
            }
            out.addAll(functionsOf(type));
        }
        out.sort(RouteTable.ORDER);
        return out;
    }

    /** The HTTP functions declared by one class. */
    public static List<HttpFunction> functionsOf(Class<?> type) {
        List<HttpFunction> out = new ArrayList<>();
        Method[] methods;
        try {
            methods = type.getMethods();
        } catch (LinkageError e) {
            LOG.log(Level.WARNING, "cannot inspect " + type.getName() + ": " + e);
            return out;
        }
        Arrays.sort(methods, Comparator.comparing(Method::getName));
        for (Method m : methods) {
            FunctionName fn = m.getAnnotation(FunctionName.class);
            if (fn == null || m.getDeclaringClass() != type) {
                continue;
            }
            try {
                HttpFunction f = describe(type, m, fn.value());
                if (f != null) {
                    out.add(f);
                }
            } catch (IllegalStateException e) {
                throw e; // a route the host refuses: the host does not start
            } catch (RuntimeException | LinkageError e) {
                LOG.warning("skipping function " + fn.value() + " (" + type.getName() + "." + m.getName() + "): "
                        + e.getMessage());
            }
        }
        return out;
    }

    private static @Nullable HttpFunction describe(Class<?> type, Method m, String name) {
        Parameter[] ps = m.getParameters();
        HttpTrigger trigger = null;
        for (Parameter p : ps) {
            if (p.isAnnotationPresent(HttpTrigger.class)) {
                trigger = p.getAnnotation(HttpTrigger.class);
            }
        }
        if (trigger == null) {
            LOG.fine(() -> "function " + name + " has no HTTP trigger; not served by the local host");
            return null;
        }
        if (Modifier.isAbstract(type.getModifiers()) || !Modifier.isPublic(type.getModifiers())) {
            throw new IllegalArgumentException("class " + type.getName() + " is not public and concrete");
        }
        if (!Modifier.isStatic(m.getModifiers())) {
            try {
                if (!Modifier.isPublic(type.getConstructor().getModifiers())) {
                    throw new NoSuchMethodException();
                }
            } catch (NoSuchMethodException e) {
                throw new IllegalArgumentException("class " + type.getName() + " has no public no-arg constructor");
            }
        }
        Class<?> ret = m.getReturnType();
        if (!(HttpResponseMessage.class.isAssignableFrom(ret)
                || ret == String.class
                || ret == byte[].class
                || ret == void.class
                || ret == Object.class)) {
            throw new IllegalArgumentException("unsupported return type " + ret.getName());
        }
        List<HttpFunction.Param> params = new ArrayList<>();
        for (Parameter p : ps) {
            params.add(bindingOf(p));
        }
        String routeText = trigger.route() == null || trigger.route().isBlank() ? name : trigger.route();
        RouteTemplate route;
        try {
            route = RouteTemplate.parse(routeText);
        } catch (IllegalArgumentException e) {
            // ASP.NET Core refuses the template (e.g. a catch-all that is not last): refused at start-up
            throw new IllegalStateException("function " + name + ": " + e.getMessage(), e);
        }
        Set<String> methodSet = new TreeSet<>();
        for (HttpMethod hm : trigger.methods()) {
            methodSet.add(hm.name().toUpperCase(Locale.ROOT));
        }
        String dataType = trigger.dataType() == null ? "" : trigger.dataType();
        return new HttpFunction(
                name,
                type,
                m,
                route,
                Collections.unmodifiableSet(new LinkedHashSet<>(methodSet)),
                trigger.authLevel(),
                dataType,
                List.copyOf(params));
    }

    private static HttpFunction.Param bindingOf(Parameter p) {
        if (p.isAnnotationPresent(HttpTrigger.class)) {
            if (!HttpRequestMessage.class.isAssignableFrom(p.getType())) {
                throw new IllegalArgumentException("@HttpTrigger parameter '" + p.getName()
                        + "' must be an HttpRequestMessage, not " + p.getType().getName());
            }
            Type body = Object.class;
            if (p.getParameterizedType() instanceof ParameterizedType pt) {
                body = pt.getActualTypeArguments()[0];
            }
            boolean optional = false;
            if (body instanceof ParameterizedType opt && opt.getRawType() == Optional.class) {
                optional = true;
                body = opt.getActualTypeArguments()[0];
            }
            Class<?> bodyType;
            if (body == byte[].class
                    || (body instanceof GenericArrayType ga && ga.getGenericComponentType() == byte.class)) {
                bodyType = byte[].class;
            } else if (body == String.class) {
                bodyType = String.class;
            } else if (body == Object.class
                    || body instanceof java.lang.reflect.WildcardType
                    || body instanceof java.lang.reflect.TypeVariable) {
                bodyType = null; // the value as forwarded: byte[] or String
            } else {
                throw new IllegalArgumentException("unsupported request body type " + body.getTypeName()
                        + " (use Optional<byte[]> or Optional<String>)");
            }
            return new HttpFunction.Param(HttpFunction.ParamKind.REQUEST, null, p.getType(), bodyType, optional);
        }
        if (p.getType() == ExecutionContext.class) {
            return new HttpFunction.Param(HttpFunction.ParamKind.CONTEXT, null, p.getType(), null, false);
        }
        BindingName bn = p.getAnnotation(BindingName.class);
        Annotation[] annotations = p.getAnnotations();
        if (annotations.length == 1
                && annotations[0].annotationType().getSimpleName().equals("DurableClientInput")) {
            return new HttpFunction.Param(HttpFunction.ParamKind.DURABLE_CLIENT, null, p.getType(), null, false);
        }
        if (bn != null && annotations.length == 1) {
            if (!ValueConverter.supports(p.getType())) {
                throw new IllegalArgumentException(
                        "unsupported @BindingName parameter type " + p.getType().getName());
            }
            return new HttpFunction.Param(HttpFunction.ParamKind.BINDING, bn.value(), p.getType(), null, false);
        }
        String what = annotations.length == 0
                ? "unannotated parameter '" + p.getName() + "' of type "
                        + p.getType().getName()
                : "binding @" + annotations[0].annotationType().getSimpleName() + " on parameter '" + p.getName() + "'";
        throw new IllegalArgumentException(what + " is not supported by the local host");
    }

    // ------------------------------------------------------------------------------------------ classpath scanning

    static Set<String> classNames(String packageName, ClassLoader loader) {
        String prefix = packageName.replace('.', '/');
        Set<String> names = new TreeSet<>();
        Enumeration<URL> urls;
        try {
            urls = loader.getResources(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        while (urls.hasMoreElements()) {
            URL url = urls.nextElement();
            try {
                if ("file".equals(url.getProtocol())) {
                    Path dir = Paths.get(url.toURI());
                    try (Stream<Path> files = Files.walk(dir)) {
                        files.filter(f -> f.toString().endsWith(".class")).forEach(f -> {
                            String rel = dir.relativize(f).toString().replace(File.separatorChar, '/');
                            addClass(names, prefix + "/" + rel);
                        });
                    }
                } else if ("jar".equals(url.getProtocol())) {
                    URLConnection conn = url.openConnection();
                    if (conn instanceof JarURLConnection jc) {
                        jc.setUseCaches(false);
                        try (JarFile jar = jc.getJarFile()) {
                            scanJar(jar, prefix, names);
                        }
                    } else {
                        String spec = url.getPath();
                        String file = spec.substring("file:".length(), spec.indexOf("!/"));
                        try (JarFile jar = new JarFile(URLDecoder.decode(file, StandardCharsets.UTF_8))) {
                            scanJar(jar, prefix, names);
                        }
                    }
                } else {
                    LOG.warning("cannot scan " + url + " for functions (unsupported protocol)");
                }
            } catch (IOException | URISyntaxException e) {
                LOG.log(Level.WARNING, "cannot scan " + url + " for functions: " + e);
            }
        }
        // jars built without directory entries are invisible to getResources(package): scan the class path's jars too
        for (Path jar : classPathJars(loader)) {
            try (JarFile jf = new JarFile(jar.toFile())) {
                scanJar(jf, prefix, names);
            } catch (IOException e) {
                LOG.log(Level.FINE, "cannot scan " + jar + " for functions: " + e);
            }
        }
        return names;
    }

    private static Set<Path> classPathJars(ClassLoader loader) {
        Set<Path> jars = new LinkedHashSet<>();
        for (ClassLoader l = loader; l != null; l = l.getParent()) {
            if (l instanceof URLClassLoader ucl) {
                for (URL u : ucl.getURLs()) {
                    if ("file".equals(u.getProtocol()) && u.getPath().endsWith(".jar")) {
                        try {
                            jars.add(Paths.get(u.toURI()));
                        } catch (URISyntaxException | IllegalArgumentException ignored) {
                            // not a local file
                        }
                    }
                }
            }
        }
        if (loader == ClassLoader.getSystemClassLoader() || isAncestor(loader, ClassLoader.getSystemClassLoader())) {
            String cp = System.getProperty("java.class.path", "");
            for (String entry : cp.split(File.pathSeparator, -1)) {
                if (entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry))) {
                    jars.add(Path.of(entry));
                }
            }
        }
        return jars;
    }

    private static boolean isAncestor(ClassLoader child, ClassLoader ancestor) {
        for (ClassLoader l = child; l != null; l = l.getParent()) {
            if (l == ancestor) {
                return true;
            }
        }
        return false;
    }

    private static void scanJar(JarFile jar, String prefix, Set<String> names) {
        Enumeration<JarEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
            JarEntry e = entries.nextElement();
            if (!e.isDirectory()
                    && e.getName().startsWith(prefix + "/")
                    && e.getName().endsWith(".class")) {
                addClass(names, e.getName());
            }
        }
    }

    private static void addClass(Set<String> names, String resource) {
        if (resource.endsWith("module-info.class") || resource.endsWith("package-info.class")) {
            return;
        }
        names.add(resource.substring(0, resource.length() - ".class".length()).replace('/', '.'));
    }
}
