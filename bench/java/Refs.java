// The javac ground truth of java_truth_bench.py: every identifier, member select, `new` and method
// reference of each compilation unit resolved by javac (JavacTask.analyze) to the top-level class
// declaring it, then to that class's source file.  Prints "source<TAB>target<TAB>kind" per pair,
// kind import (in an import), inherit (in extends / implements), type (names a class), call (a method,
// constructor or field).  Usage: java Refs.java FILE_LIST ROOT (FILE_LIST: one absolute path a line).
import com.sun.source.tree.*;
import com.sun.source.util.*;
import java.nio.file.*;
import java.util.*;
import javax.lang.model.element.*;
import javax.tools.*;

public class Refs {
    public static void main(String[] args) throws Exception {
        List<String> files = Files.readAllLines(Path.of(args[0]));
        Path root = Path.of(args[1]).toAbsolutePath();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StandardJavaFileManager fm = javac.getStandardFileManager(null, null, null);
        DiagnosticListener<JavaFileObject> quiet = d -> {};
        JavacTask task = (JavacTask) javac.getTask(null, fm, quiet,
                List.of("-proc:none", "-implicit:none", "-Xlint:none", "-nowarn"), null,
                fm.getJavaFileObjectsFromStrings(files));
        List<CompilationUnitTree> units = new ArrayList<>();
        task.parse().forEach(units::add);
        try {
            task.analyze();
        } catch (RuntimeException | AssertionError ex) {  // javac 17 can crash on code it cannot fully attribute:
            System.err.println("analyze stopped: " + ex);  // what it attributed so far still counts
        }
        Trees trees = Trees.instance(task);
        Map<String, String> fileOf = new HashMap<>();
        for (CompilationUnitTree cu : units) {
            String pkg = cu.getPackageName() == null ? "" : cu.getPackageName().toString();
            for (Tree t : cu.getTypeDecls()) {
                if (t instanceof ClassTree ct) {
                    fileOf.putIfAbsent((pkg.isEmpty() ? "" : pkg + ".") + ct.getSimpleName(), rel(root, cu));
                }
            }
        }
        Set<String> out = new TreeSet<>();
        for (CompilationUnitTree cu : units) {
            String src = rel(root, cu);
            new TreePathScanner<Void, String>() {
                @Override public Void visitImport(ImportTree t, String ctx) { return super.visitImport(t, "import"); }
                @Override public Void visitClass(ClassTree t, String ctx) {
                    scan(t.getModifiers(), ctx);
                    scan(t.getTypeParameters(), ctx);
                    scan(t.getExtendsClause(), "inherit");
                    scan(t.getImplementsClause(), "inherit");
                    scan(t.getMembers(), ctx);
                    return null;
                }
                @Override public Void visitIdentifier(IdentifierTree t, String ctx) { record(ctx); return super.visitIdentifier(t, ctx); }
                @Override public Void visitMemberSelect(MemberSelectTree t, String ctx) { record(ctx); return super.visitMemberSelect(t, ctx); }
                @Override public Void visitNewClass(NewClassTree t, String ctx) { record(ctx); return super.visitNewClass(t, ctx); }
                @Override public Void visitMemberReference(MemberReferenceTree t, String ctx) { record(ctx); return super.visitMemberReference(t, ctx); }
                @Override public Void visitTypeParameter(TypeParameterTree t, String ctx) { return super.visitTypeParameter(t, null); }

                void record(String ctx) {
                    Element e;
                    try {
                        e = trees.getElement(getCurrentPath());
                    } catch (RuntimeException ex) {
                        return;
                    }
                    if (e == null || e.asType() == null || e.asType().getKind() == javax.lang.model.type.TypeKind.ERROR) return;
                    String kind;
                    if ("import".equals(ctx) || "inherit".equals(ctx)) kind = ctx;
                    else if (e instanceof TypeElement) kind = "type";
                    else if (e.getKind() == ElementKind.METHOD || e.getKind() == ElementKind.CONSTRUCTOR
                            || e.getKind() == ElementKind.FIELD || e.getKind() == ElementKind.ENUM_CONSTANT) kind = "call";
                    else return;
                    Element top = e;
                    while (top.getEnclosingElement() != null && top.getEnclosingElement().getKind() != ElementKind.PACKAGE
                            && top.getEnclosingElement().getKind() != ElementKind.MODULE) {
                        top = top.getEnclosingElement();
                    }
                    if (!(top instanceof TypeElement te)) return;
                    String target = fileOf.get(te.getQualifiedName().toString());
                    if (target != null && !target.equals(src)) out.add(src + "\t" + target + "\t" + kind);
                }
            }.scan(cu, null);
        }
        out.forEach(System.out::println);
    }

    static String rel(Path root, CompilationUnitTree cu) {
        return root.relativize(Path.of(cu.getSourceFile().toUri())).toString().replace('\\', '/');
    }
}
