; Inno Setup script for ChannelDesk on Windows: a per-user install (no administrator
; rights), a Start menu entry, an optional desktop icon and an uninstaller.
;
; Build the bundle first (PyInstaller, on Windows), then compile this script:
;   pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller installer\channeldesk.spec
;   iscc /DAppVersion=0.1.0 installer\windows\channeldesk.iss
; The installer is written to dist\ChannelDesk-<version>-setup.exe. See installer\README.md.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "ChannelDesk"
#define AppExe "channeldesk.exe"
#define Root ".."

[Setup]
; A stable id: upgrades replace the earlier version, and Settings > Apps lists one entry.
AppId={{5B0F3C1E-8B7A-4F27-9C53-6C2C0E7D9A41}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=ChannelDesk
VersionInfoVersion={#AppVersion}
; Per user: %LOCALAPPDATA%\Programs\ChannelDesk, no UAC prompt, no admin rights needed.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
OutputDir={#Root}\..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-setup
SetupIconFile={#Root}\icons\channeldesk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; The app must not run while its files are replaced.
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole PyInstaller onedir bundle.
Source: "{#Root}\..\dist\ChannelDesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Partner management for channel account managers"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; channeldesk-cli.exe (in the same folder) is the console twin for the command line:
;   "%LOCALAPPDATA%\Programs\ChannelDesk\channeldesk-cli.exe" --self-test
; The user's database (%LOCALAPPDATA%\ChannelDesk) is never removed by the uninstaller.
